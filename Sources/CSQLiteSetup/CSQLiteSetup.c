#include "CSQLiteSetup.h"

#include <sqlite3.h>
#include <string.h>

/* Statement journals (and the journals of temporary databases) are kept in
 * memory up to this size, then spilled to a temporary file. */
#define QDA_JOURNAL_SPILL (1 << 20)

/* The largest write this layer hands to SQLite's Unix file layer, which
 * writes at most 128 KiB - 1 bytes per call (it masks the length with
 * 0x1ffff) and reports a longer write as "database or disk is full". A
 * journal spilling to its file writes what it held in pieces as large as
 * the spill threshold, so without this layer every spill past 128 KiB
 * failed. */
#define QDA_WRITE_PIECE (64 << 10)

/* A temporary journal file: SQLite's own file, with writes cut in pieces. */
typedef struct {
  sqlite3_file base;
  sqlite3_file *real; /* Right after this struct, in the same allocation. */
} PiecewiseFile;

static sqlite3_vfs *unixVfs;
static sqlite3_vfs piecewiseVfs;
static sqlite3_io_methods piecewiseMethods;

#define REAL(file) (((PiecewiseFile *)(file))->real)

static int pwClose(sqlite3_file *file) {
  return REAL(file)->pMethods->xClose(REAL(file));
}

static int pwRead(sqlite3_file *file, void *buffer, int amount,
                  sqlite3_int64 offset) {
  return REAL(file)->pMethods->xRead(REAL(file), buffer, amount, offset);
}

static int pwWrite(sqlite3_file *file, const void *buffer, int amount,
                   sqlite3_int64 offset) {
  const char *bytes = buffer;
  while (amount > QDA_WRITE_PIECE) {
    int status = REAL(file)->pMethods->xWrite(REAL(file), bytes,
                                              QDA_WRITE_PIECE, offset);
    if (status != SQLITE_OK) {
      return status;
    }
    bytes += QDA_WRITE_PIECE;
    offset += QDA_WRITE_PIECE;
    amount -= QDA_WRITE_PIECE;
  }
  return REAL(file)->pMethods->xWrite(REAL(file), bytes, amount, offset);
}

static int pwTruncate(sqlite3_file *file, sqlite3_int64 size) {
  return REAL(file)->pMethods->xTruncate(REAL(file), size);
}

static int pwSync(sqlite3_file *file, int flags) {
  return REAL(file)->pMethods->xSync(REAL(file), flags);
}

static int pwFileSize(sqlite3_file *file, sqlite3_int64 *size) {
  return REAL(file)->pMethods->xFileSize(REAL(file), size);
}

static int pwLock(sqlite3_file *file, int lock) {
  return REAL(file)->pMethods->xLock(REAL(file), lock);
}

static int pwUnlock(sqlite3_file *file, int lock) {
  return REAL(file)->pMethods->xUnlock(REAL(file), lock);
}

static int pwCheckReservedLock(sqlite3_file *file, int *result) {
  return REAL(file)->pMethods->xCheckReservedLock(REAL(file), result);
}

static int pwFileControl(sqlite3_file *file, int op, void *argument) {
  return REAL(file)->pMethods->xFileControl(REAL(file), op, argument);
}

static int pwSectorSize(sqlite3_file *file) {
  return REAL(file)->pMethods->xSectorSize(REAL(file));
}

static int pwDeviceCharacteristics(sqlite3_file *file) {
  return REAL(file)->pMethods->xDeviceCharacteristics(REAL(file));
}

static int pwShmMap(sqlite3_file *file, int region, int size, int extend,
                    void volatile **pointer) {
  return REAL(file)->pMethods->xShmMap(REAL(file), region, size, extend,
                                       pointer);
}

static int pwShmLock(sqlite3_file *file, int offset, int count, int flags) {
  return REAL(file)->pMethods->xShmLock(REAL(file), offset, count, flags);
}

static void pwShmBarrier(sqlite3_file *file) {
  REAL(file)->pMethods->xShmBarrier(REAL(file));
}

static int pwShmUnmap(sqlite3_file *file, int delete) {
  return REAL(file)->pMethods->xShmUnmap(REAL(file), delete);
}

static int pwFetch(sqlite3_file *file, sqlite3_int64 offset, int amount,
                   void **pointer) {
  return REAL(file)->pMethods->xFetch(REAL(file), offset, amount, pointer);
}

static int pwUnfetch(sqlite3_file *file, sqlite3_int64 offset, void *pointer) {
  return REAL(file)->pMethods->xUnfetch(REAL(file), offset, pointer);
}

/* Opens temporary journals behind a PiecewiseFile; every other file is
 * SQLite's own, opened in place. */
static int pwOpen(sqlite3_vfs *vfs, const char *name, sqlite3_file *file,
                  int flags, int *outFlags) {
  (void)vfs;
  if (!(flags & (SQLITE_OPEN_SUBJOURNAL | SQLITE_OPEN_TEMP_JOURNAL))) {
    return unixVfs->xOpen(unixVfs, name, file, flags, outFlags);
  }
  PiecewiseFile *piecewise = (PiecewiseFile *)file;
  piecewise->real = (sqlite3_file *)&piecewise[1];
  int status = unixVfs->xOpen(unixVfs, name, piecewise->real, flags, outFlags);
  /* SQLite closes a file whose pMethods is set, even after a failed open. */
  piecewise->base.pMethods =
      piecewise->real->pMethods != NULL ? &piecewiseMethods : NULL;
  return status;
}

static int pwDelete(sqlite3_vfs *vfs, const char *name, int syncDirectory) {
  (void)vfs;
  return unixVfs->xDelete(unixVfs, name, syncDirectory);
}

static int pwAccess(sqlite3_vfs *vfs, const char *name, int flags,
                    int *result) {
  (void)vfs;
  return unixVfs->xAccess(unixVfs, name, flags, result);
}

static int pwFullPathname(sqlite3_vfs *vfs, const char *name, int size,
                          char *output) {
  (void)vfs;
  return unixVfs->xFullPathname(unixVfs, name, size, output);
}

static void *pwDlOpen(sqlite3_vfs *vfs, const char *name) {
  (void)vfs;
  return unixVfs->xDlOpen(unixVfs, name);
}

static void pwDlError(sqlite3_vfs *vfs, int size, char *message) {
  (void)vfs;
  unixVfs->xDlError(unixVfs, size, message);
}

static void (*pwDlSym(sqlite3_vfs *vfs, void *handle, const char *symbol))(
    void) {
  (void)vfs;
  return unixVfs->xDlSym(unixVfs, handle, symbol);
}

static void pwDlClose(sqlite3_vfs *vfs, void *handle) {
  (void)vfs;
  unixVfs->xDlClose(unixVfs, handle);
}

static int pwRandomness(sqlite3_vfs *vfs, int size, char *output) {
  (void)vfs;
  return unixVfs->xRandomness(unixVfs, size, output);
}

static int pwSleep(sqlite3_vfs *vfs, int microseconds) {
  (void)vfs;
  return unixVfs->xSleep(unixVfs, microseconds);
}

static int pwCurrentTime(sqlite3_vfs *vfs, double *time) {
  (void)vfs;
  return unixVfs->xCurrentTime(unixVfs, time);
}

static int pwGetLastError(sqlite3_vfs *vfs, int size, char *message) {
  (void)vfs;
  return unixVfs->xGetLastError(unixVfs, size, message);
}

static int pwCurrentTimeInt64(sqlite3_vfs *vfs, sqlite3_int64 *time) {
  (void)vfs;
  return unixVfs->xCurrentTimeInt64(unixVfs, time);
}

/* Makes the piecewise layer SQLite's default file system, over the default
 * it had. */
static int registerPiecewiseVfs(void) {
  unixVfs = sqlite3_vfs_find(NULL);
  if (unixVfs == NULL || unixVfs->iVersion < 2) {
    return SQLITE_ERROR;
  }
  piecewiseMethods = (sqlite3_io_methods){
      .iVersion = 3,
      .xClose = pwClose,
      .xRead = pwRead,
      .xWrite = pwWrite,
      .xTruncate = pwTruncate,
      .xSync = pwSync,
      .xFileSize = pwFileSize,
      .xLock = pwLock,
      .xUnlock = pwUnlock,
      .xCheckReservedLock = pwCheckReservedLock,
      .xFileControl = pwFileControl,
      .xSectorSize = pwSectorSize,
      .xDeviceCharacteristics = pwDeviceCharacteristics,
      .xShmMap = pwShmMap,
      .xShmLock = pwShmLock,
      .xShmBarrier = pwShmBarrier,
      .xShmUnmap = pwShmUnmap,
      .xFetch = pwFetch,
      .xUnfetch = pwUnfetch,
  };
  piecewiseVfs = (sqlite3_vfs){
      .iVersion = 2,
      .szOsFile = (int)sizeof(PiecewiseFile) + unixVfs->szOsFile,
      .mxPathname = unixVfs->mxPathname,
      .zName = "qda-piecewise",
      .xOpen = pwOpen,
      .xDelete = pwDelete,
      .xAccess = pwAccess,
      .xFullPathname = pwFullPathname,
      .xDlOpen = pwDlOpen,
      .xDlError = pwDlError,
      .xDlSym = pwDlSym,
      .xDlClose = pwDlClose,
      .xRandomness = pwRandomness,
      .xSleep = pwSleep,
      .xCurrentTime = pwCurrentTime,
      .xGetLastError = pwGetLastError,
      .xCurrentTimeInt64 = pwCurrentTimeInt64,
  };
  return sqlite3_vfs_register(&piecewiseVfs, 1);
}

int qda_sqlite_configure(void) {
  int status = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  if (status == SQLITE_OK) {
    status = sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, QDA_JOURNAL_SPILL);
  }
  /* Registered even when SQLite was initialized too early for the rest. */
  int registered = registerPiecewiseVfs();
  return status != SQLITE_OK ? status : registered;
}
