import CSQLiteSetup
import Foundation
import GRDB

/// The qda database: sources, units, codebooks, codes and codings, in SQLite.
///
/// The database runs in WAL mode with `synchronous=FULL` and foreign keys on
/// (the first import into a new file uses a rollback journal; see
/// `withBulkLoadSettingsIfEmpty`).
/// Every command that writes does so in one transaction, so a failed command
/// leaves the database as it was. A database file that a failed command had
/// to create is removed again by ``discardIfCreated()``.
///
/// New database files are created with mode 0600: they hold sensitive health
/// data.
///
/// ## Topics
/// - ``open(path:create:)``
/// - ``importSource(_:units:)``
public final class Store {
  /// The database file.
  public let path: String
  /// The connection.
  let queue: DatabaseQueue
  /// Whether this process created the file.
  public let isNewlyCreated: Bool
  /// The last time a tally's stamp was found current (see `tallied`).
  var lastTallyCheck: TallyCheck?
  /// Whether a bulk load indexes its texts for search on a thread of its
  /// own (`SearchIndexBuilder`) rather than after storing them; the index is
  /// the same either way, which tests check by turning it off.
  var indexesSearchAside = true

  private init(path: String, queue: DatabaseQueue, isNewlyCreated: Bool) {
    self.path = path
    self.queue = queue
    self.isNewlyCreated = isNewlyCreated
  }

  /// Opens (and, when `create` is true, creates) a database and brings its
  /// schema up to date.
  ///
  /// - Parameters:
  ///   - path: The database file.
  ///   - create: Whether a missing file is created (commands that write) or an
  ///     error (commands that only read).
  /// - Returns: The open store.
  /// - Throws: `StoreError`.
  public static func open(path: String, create: Bool) throws -> Store {
    var isDirectory: ObjCBool = false
    let exists = FileManager.default.fileExists(
      atPath: path, isDirectory: &isDirectory)
    if exists, isDirectory.boolValue {
      throw StoreError.cannotOpen(path: path, reason: "it is a directory")
    }
    if !exists {
      guard create else { throw StoreError.missingDatabase(path: path) }
      let descriptor = Foundation.open(path, O_CREAT | O_EXCL | O_WRONLY, 0o600)
      guard descriptor >= 0 else {
        throw StoreError.cannotOpen(
          path: path, reason: String(cString: strerror(errno)))
      }
      Foundation.close(descriptor)
    } else if !FileManager.default.isReadableFile(atPath: path) {
      throw StoreError.cannotOpen(path: path, reason: "permission denied")
    }
    _ = Self.sqliteSetUp
    var configuration = Configuration()
    configuration.foreignKeysEnabled = true
    configuration.label = "qda"
    // Another qda writing (an import while a coder codes) is waited for;
    // writes begin IMMEDIATE (GRDB's default), so waiting is all it takes.
    configuration.busyMode = .timeout(Store.busyTimeout)
    configuration.prepareDatabase { db in
      Store.addFoldFunction(db)
      PackedAttributes.addFunction(db)
      try db.execute(sql: "PRAGMA synchronous = FULL")
      if !exists {
        // Set before the first table is made; a file keeps the size it
        // was made with.
        try db.execute(sql: "PRAGMA page_size = \(Store.pageSize)")
      }
      // An 8 MiB page cache. Sorters building indexes are held to the same
      // size (they spill to temporary files), and the full-text index
      // flushes its pending terms at 1 MiB (32 MiB in a bulk load; see
      // `bulkIndexSettings`), so SQLite's memory stays flat whatever the
      // size of the data. A write whose units come in id order appends,
      // so a larger cache bought no speed at a million cases, only memory;
      // one whose ids come out of order grows its own (`UnitOrder`; see
      // Benchmarks/README.md).
      try db.execute(sql: "PRAGMA cache_size = -\(Store.cacheKiB)")
      // WAL is a persistent setting: set it once, when the file is new. (GRDB's
      // own WAL setup writes a scratch table at every open, which would change
      // the file even for commands that only read or that fail.)
      let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode")
      if mode?.lowercased() != "wal" {
        try db.execute(sql: "PRAGMA journal_mode = WAL")
      }
    }
    do {
      let queue = try DatabaseQueue(path: path, configuration: configuration)
      let store = Store(path: path, queue: queue, isNewlyCreated: !exists)
      do {
        try store.migrate()
      } catch {
        try? queue.close()
        throw error
      }
      return store
    } catch {
      if !exists { removeFiles(path) }
      throw Store.translate(error, path: path)
    }
  }

  /// The page size of new database files, in bytes: 16 KiB, not SQLite's
  /// 4 KiB.
  ///
  /// qda's work is bulk loads and whole-table scans: a million cases are
  /// 830 MB of pages, all written by `import` and most read back by
  /// `code auto`. Four times fewer pages is four times fewer page reads,
  /// writes and B-tree page splits; the page cache is held to the same
  /// 8 MiB. Measured on a million cases, three runs each side by side,
  /// medians: import 11.0 s → 9.2 s, `code auto` 9.1 s → 7.7 s (32 KiB pages
  /// were slower than 16 KiB).
  static let pageSize = 16384

  /// The page cache of every connection, in KiB (see the connection's
  /// setup); a write whose ids are out of order grows its own (see
  /// `UnitOrder`).
  static let cacheKiB = 8192

  /// Sets SQLite up for the process, before its first connection: memory
  /// statistics off, statement journals in memory up to 1 MiB, and journal
  /// files written at most 64 KiB at a time.
  ///
  /// Nothing in qda reads the statistics, and keeping them takes a global
  /// mutex on every allocation SQLite makes (the system library is built
  /// without its lookaside allocator, so that is every row): 0.4 s of a
  /// million-case import and 0.75 s of coding it, with the same peak
  /// memory. A statement that writes many rows and may fail part-way (a
  /// ``BatchedInsert``) keeps what it overwrites in a statement journal,
  /// which SQLite writes to a temporary file past 64 KiB: coding a million
  /// cases made 1.55 million writes instead of 176,000. A journal that
  /// spills past the threshold writes what it held in pieces as large as
  /// the threshold, and SQLite's Unix file layer writes at most
  /// 128 KiB - 1 bytes at a time, reporting the rest as "database or disk is
  /// full": so a file layer of qda's own (`CSQLiteSetup.c`) cuts the
  /// writes to temporary journals in 64 KiB pieces. (Without it, a second
  /// import of 200,000 cases failed, and so did `purge` of a 200,000-case
  /// source.) If SQLite is already initialized (a test opened a database
  /// first), the statistics and the threshold keep their defaults, which
  /// only costs that time; the file layer is registered all the same.
  static let sqliteSetUp: Int32 = qda_sqlite_configure()

  /// How long a command waits for another process's write, in seconds.
  public static let busyTimeout: TimeInterval = 60

  /// Runs `body` on the database, opened (or created) and then closed; on
  /// failure removes a database file it had to create.
  ///
  /// How `qda`'s writing commands hold the database.
  public static func withWritable<T>(
    at path: String, _ body: (Store) throws -> T
  ) throws -> T {
    let store = try Store.open(path: path, create: true)
    do {
      let result = try body(store)
      store.close()
      return result
    } catch {
      store.discardIfCreated()
      throw error
    }
  }

  /// Closes the connection, checkpointing the WAL into the database file.
  public func close() {
    try? queue.close()
  }

  /// Closes the database and, if this process created it, removes it, so a
  /// failed first command leaves no file behind.
  public func discardIfCreated() {
    close()
    if isNewlyCreated { Self.removeFiles(path) }
  }

  private static func removeFiles(_ path: String) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
      try? FileManager.default.removeItem(atPath: path + suffix)
    }
  }

  /// Maps SQLite errors to ``StoreError``.
  static func translate(_ error: Error, path: String) -> Error {
    guard let error = error as? DatabaseError else { return error }
    switch error.resultCode {
    case .SQLITE_NOTADB, .SQLITE_CORRUPT:
      return StoreError.notADatabase(path: path)
    case .SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_PERM:
      return StoreError.cannotOpen(
        path: path, reason: error.message ?? "\(error.resultCode)")
    default:
      return StoreError.sqlite(
        path: path, message: error.message ?? "\(error.resultCode)")
    }
  }

  /// Runs a write transaction; SQLite errors become ``StoreError``.
  ///
  /// A transaction that changed rows ends by deleting the tallies (see
  /// `TallyBuilder`), which are true only of the units and `auto` codings
  /// they were counted from, unless `keepsTallies` says it changes neither.
  /// One that changed nothing (an unchanged file imported again) leaves the
  /// file as it was.
  func write<T>(keepsTallies: Bool = false, _ body: (Database) throws -> T)
    throws -> T
  {
    do {
      return try queue.write { db in
        let changes = db.totalChangesCount
        let result = try body(db)
        if !keepsTallies, db.totalChangesCount != changes {
          try Self.dropTallies(db)
        }
        return result
      }
    } catch {
      throw Self.translate(error, path: path)
    }
  }

  /// Runs a read; SQLite errors become ``StoreError``.
  func read<T>(_ body: (Database) throws -> T) throws -> T {
    do {
      return try queue.read(body)
    } catch {
      throw Self.translate(error, path: path)
    }
  }
}
