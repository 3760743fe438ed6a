import GRDB

/// Whether a write's units come in ascending order of their ids, as SQLite
/// orders text (by UTF-8 bytes), and the larger page cache a write takes
/// once they do not.
///
/// Rows keyed by unit id (units, codings) are appended
/// at the end of their B-trees while the ids ascend, as in most files.
/// Once an id comes out of order, rows land all over those trees, and with
/// the usual 8 MiB cache most of a row's pages are read back from the file
/// and written out again: a million cases shuffled imported in 15.9 s and
/// were coded in 21.9 s, against 5.5 and 4.4 s in order. For the rest of
/// the write the cache grows to 40 MiB, which holds the trees' upper
/// levels and most of their leaves at that size: 8.6 s to import (peak RSS
/// 184 MB). Rows that would land all over their trees are since gathered
/// and written sorted at the end (codings; attributes were, before they
/// moved into the unit rows); the cache is given
/// back before those sorts, which hold as many rows in memory as it holds
/// pages (``restoreCache(_:)``).
///
/// Ids that end in numbers counted up without leading zeros (a Telegram
/// chat's `telegram-42:9`, `telegram-42:10`) count as ascending too (see
/// ``follows(_:_:)``).
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
    guard let lastID, !Self.follows(lastID, id) else { return false }
    isAscending = false
    try db.execute(sql: "PRAGMA cache_size = -\(Self.unorderedCacheKiB)")
    return true
  }

  /// Whether `id` may follow `last` as ids that keep the writes local do:
  /// after it in SQLite's text order, or with the same text before a larger
  /// number without leading zeros (`chat:9`, `chat:10`).
  ///
  /// In text order `chat:10` goes between `chat:1` and `chat:2`, but ids
  /// counted up still write beside one another: each lands right after
  /// the last of as many digits (`chat:123460` after `chat:12346`, which
  /// follows `chat:123459`), so the writes sweep once through the B-trees
  /// per number of digits. Taken for out of order, a million messages of a
  /// chat imported in 10.0 s instead of 6.8 s.
  static func follows(_ last: String, _ id: String) -> Bool {
    if Store.precedes(last, id) { return true }
    var last = last
    var id = id
    return last.withUTF8 { last in
      id.withUTF8 { id in
        let lastDigits = trailingDigits(last)
        let idDigits = trailingDigits(id)
        guard lastDigits > 0, idDigits > 0,
          last.count - lastDigits == id.count - idDigits,
          Store.order(
            UnsafeBufferPointer(rebasing: last[..<(last.count - lastDigits)]),
            UnsafeBufferPointer(rebasing: id[..<(id.count - idDigits)])) == 0,
          lastDigits == 1 || last[last.count - lastDigits] != UInt8(ascii: "0"),
          idDigits == 1 || id[id.count - idDigits] != UInt8(ascii: "0")
        else { return false }
        // More digits is a larger number; as many are ordered as text
        // (which they do not follow, or `precedes` would have said so).
        return idDigits > lastDigits
      }
    }
  }

  /// How many ASCII digits `bytes` end with.
  private static func trailingDigits(_ bytes: UnsafeBufferPointer<UInt8>)
    -> Int
  {
    var count = 0
    while count < bytes.count,
      (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(
        bytes[bytes.count - 1 - count])
    {
      count += 1
    }
    return count
  }

  /// Gives the connection its usual cache again, if it was grown.
  func restoreCache(_ db: Database) {
    guard !isAscending else { return }
    try? db.execute(sql: "PRAGMA cache_size = -\(Store.cacheKiB)")
  }
}
