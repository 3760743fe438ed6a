import GRDB

/// Whether a write's units come in ascending order of their ids, as SQLite
/// orders text (by UTF-8 bytes), and the larger page cache a write takes
/// once they do not.
///
/// Rows keyed by unit id (units, their attributes, codings) are appended
/// at the end of their B-trees while the ids ascend, as in most files.
/// Once an id comes out of order, rows land all over those trees, and with
/// the usual 8 MiB cache most of a row's pages are read back from the file
/// and written out again: a million cases shuffled imported in 15.9 s and
/// were coded in 21.9 s, against 5.5 and 4.4 s in order. For the rest of
/// the write the cache grows to 40 MiB, which holds the trees' upper
/// levels and most of their leaves at that size: 8.6 s to import (peak RSS
/// 184 MB). Rows that would land all over their trees are since gathered
/// and written sorted at the end (attributes, codings); the cache is given
/// back before those sorts, which hold as many rows in memory as it holds
/// pages (``restoreCache(_:)``).
struct UnitOrder {
  /// The last id, to compare the next with.
  private var lastID: String?
  /// Whether every id so far followed the one before.
  private(set) var isAscending = true

  /// The page cache of a write whose ids are out of order, in KiB.
  static let unorderedCacheKiB = 40960

  /// Takes the next unit's id, and tells whether it is the first out of
  /// order.
  ///
  /// At the first id that does not follow the last, grows the cache of
  /// `db` and returns `true`; otherwise returns `false`.
  ///
  /// - Throws: A GRDB error.
  mutating func breaks(at id: String, in db: Database) throws -> Bool {
    guard isAscending else { return false }
    defer { lastID = id }
    guard let lastID, !Store.precedes(lastID, id) else { return false }
    isAscending = false
    try db.execute(sql: "PRAGMA cache_size = -\(Self.unorderedCacheKiB)")
    return true
  }

  /// Gives the connection its usual cache again, if it was grown.
  func restoreCache(_ db: Database) {
    guard !isAscending else { return }
    try? db.execute(sql: "PRAGMA cache_size = -\(Store.cacheKiB)")
  }
}
