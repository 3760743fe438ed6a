#ifndef CSQLITESETUP_H
#define CSQLITESETUP_H

/// Sets SQLite up for the whole process, through the variadic sqlite3_config,
/// which Swift cannot call: memory statistics off, and statement journals
/// kept in memory up to 1 MiB. Returns SQLite's result code: SQLITE_MISUSE
/// once SQLite is initialized, when it is too late.
int qda_sqlite_configure(void);

#endif
