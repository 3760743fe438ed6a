import GRDB

/// A query whose rows come in order of a text key (its first column), read
/// beside another scan in the same order: a merge join done in Swift.
///
/// Units, codings and attributes are each read in unit id order and merged
/// by id (`report`'s facts, `code auto`'s attributes and deferred counts):
/// a scan steps where a join would seek each row from the root of its
/// table.
struct KeyedScan {
  /// The query, standing on its current row.
  private(set) var rows: BulkStatement
  /// Whether the query stands on a row.
  private(set) var hasRow: Bool

  /// Starts `rows`, prepared and bound, whose first column is the key.
  ///
  /// - Throws: A GRDB error.
  init(_ rows: BulkStatement) throws {
    self.rows = rows
    hasRow = try self.rows.step()
  }

  /// Calls `body` with each row whose key sorts at or before `key`, as
  /// SQLite sorts text, telling whether it is `key`, and steps past it;
  /// stops at the first row after `key`.
  ///
  /// - Throws: A GRDB error, or what `body` throws.
  mutating func advance(
    through key: UnsafeBufferPointer<UInt8>,
    _ body: (_ row: borrowing BulkStatement, _ isKey: Bool) throws -> Void
  ) throws {
    while hasRow {
      let order = rows.compare(0, with: key)
      if order > 0 { return }
      try body(rows, order == 0)
      hasRow = try rows.step()
    }
  }

  /// ``advance(through:_:)-(UnsafeBufferPointer<UInt8>,_)`` to the key
  /// `key`.
  ///
  /// - Throws: A GRDB error, or what `body` throws.
  mutating func advance(
    through key: String,
    _ body: (_ row: borrowing BulkStatement, _ isKey: Bool) throws -> Void
  ) throws {
    var key = key
    try key.withUTF8 { try advance(through: $0, body) }
  }

  /// Calls `body` with every row left.
  ///
  /// - Throws: A GRDB error, or what `body` throws.
  mutating func finish(_ body: (_ row: borrowing BulkStatement) throws -> Void)
    throws
  {
    while hasRow {
      try body(rows)
      hasRow = try rows.step()
    }
  }
}
