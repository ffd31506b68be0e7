"""Print the URL of a PostgreSQL test database (created if missing) when a local server answers, else nothing.

Used by `make test`: RUCHE_TEST_PG_SERVER overrides the server (default postgres@127.0.0.1:5432, trust auth),
RUCHE_TEST_PG_DATABASE the database name (default ruche_test_ci). The test fixture resets its `public` schema."""

import os
import sys

import psycopg
from psycopg import sql


def main() -> int:
    server = os.environ.get("RUCHE_TEST_PG_SERVER", "postgresql://postgres@127.0.0.1:5432")
    name = os.environ.get("RUCHE_TEST_PG_DATABASE", "ruche_test_ci")
    try:
        with psycopg.connect(f"{server}/postgres", connect_timeout=3, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            if exists is None:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as exc:
        print(f"PostgreSQL not available: {str(exc).strip().splitlines()[0] if str(exc).strip() else exc}",
              file=sys.stderr)
        return 0
    print(f"{server}/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
