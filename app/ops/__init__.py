"""Operations: `ruche backup` and `ruche restore` (one archive file: the database, uploads, the generated key)."""
