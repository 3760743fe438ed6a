#include "CSQLiteSetup.h"

#include <sqlite3.h>

int qda_sqlite_configure(void) {
  int status = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  if (status != SQLITE_OK) {
    return status;
  }
  return sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, 1 << 20);
}
