#ifndef CSQLITESETUP_H
#define CSQLITESETUP_H

/// Sets SQLite up for the whole process, through the variadic sqlite3_config,
/// which Swift cannot call: memory statistics off, statement journals kept
/// in memory up to 1 MiB, and, as the default file system, SQLite's own with
/// writes to temporary journals cut in 64 KiB pieces (its Unix layer
/// writes no more than 128 KiB - 1 bytes at a time). Returns SQLite's result
/// code: SQLITE_MISUSE once SQLite is initialized, when it is too late.
int qda_sqlite_configure(void);

struct sqlite3;

/// Registers with `db` the FTS5 tokenizer "qda_fast": unicode61 with
/// remove_diacritics 2, token for token, faster for ASCII and Russian texts
/// (see FastTokenizer.c). Returns SQLite's result code.
int qda_register_fast_tokenizer(struct sqlite3 *db);

#endif
