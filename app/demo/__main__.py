"""`python -m app.demo --if-empty`: seed the demo unless the database already has members (used by `make run`).

Without `--if-empty` it behaves like `ruche demo`: a database with members is refused with exit code 1."""

import asyncio
import sys

from app import migrate
from app.config import get_settings
from app.demo.seed import DatabaseNotEmpty, seed


def main(argv: list[str]) -> int:
    settings = get_settings()
    migrate.upgrade(settings.database_url)
    try:
        print(asyncio.run(seed(settings)))
    except DatabaseNotEmpty as refused:
        if "--if-empty" in argv:
            print("The database already has members: the demo is not seeded again.")
            return 0
        print(refused.code, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
