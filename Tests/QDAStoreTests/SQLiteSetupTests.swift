import GRDB
import QDATestSupport
import Testing

@testable import QDAStore

@Suite struct SQLiteSetupTests {
  /// A statement whose journal outgrows what SQLite keeps in memory spills
  /// it to a temporary file, and the statement goes on.
  ///
  /// SQLite's Unix file layer writes at most 128 KiB - 1 bytes at a time,
  /// and a spill writes the journal's memory in pieces as large as qda's
  /// threshold, 1 MiB: until qda's own file layer cut them in 64 KiB
  /// pieces, every spill failed with "database or disk is full" (a second
  /// import of 200,000 cases did, and `purge` of a source that size).
  @Test func aStatementJournalLargerThanMemorySpillsToDisk() throws {
    _ = Store.sqliteSetUp
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let queue = try DatabaseQueue(path: directory.path("spill.sqlite"))
    try queue.writeWithoutTransaction { db in
      try db.execute(sql: "PRAGMA journal_mode = WAL")
    }
    try queue.write { db in
      try db.execute(
        sql: """
          PRAGMA page_size = 16384;
          CREATE TABLE t (id INTEGER PRIMARY KEY, value TEXT UNIQUE);
          WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
          INSERT INTO t SELECT i, printf('%0200d', i) FROM n;
          """)
    }
    // In a transaction of several statements, one that may fail halfway
    // (a unique column) keeps the pages it changes in a statement journal;
    // in WAL mode, all of them: here every page of the table and its
    // index, 8 MB.
    try queue.write { db in
      try db.execute(sql: "INSERT INTO t VALUES (0, 'first')")
      try db.execute(sql: "UPDATE t SET value = value || 'x' WHERE id > 0")
    }
    let changed = try queue.read { db in
      try Int.fetchOne(db, sql: "SELECT count(*) FROM t WHERE value LIKE '%x'")
    }
    #expect(changed == 20000)
  }
}
