#ifndef CSQLITESETUP_H
#define CSQLITESETUP_H

/// Turns off SQLite's memory statistics for the whole process (the variadic
/// sqlite3_config, which Swift cannot call). Returns SQLite's result code:
/// SQLITE_MISUSE once SQLite is initialized, when it is too late.
int qda_sqlite_disable_memory_statistics(void);

#endif
