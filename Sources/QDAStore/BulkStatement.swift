import GRDB
import GRDBSQLite

/// A prepared statement that bulk writers (units, texts, codings) bind and
/// run, and bulk readers step through, by SQLite's C API, a row at a time.
///
/// GRDB's `StatementArguments` boxes every value in an existential and
/// builds an array per row: on a million-case import that was about a third
/// of the writer thread. Values are bound in order, then ``execute()`` steps
/// and resets. Likewise GRDB's `Row` goes through `DatabaseValue` for every
/// column read: ``step()`` and the column readers take SQLite's values
/// directly, which halved the time `code auto` spends reading a million
/// units. Errors are GRDB's `DatabaseError`, as `Statement.execute` throws
/// them.
struct BulkStatement {
  /// The GRDB statement, which owns the SQLite statement.
  let statement: Statement
  private var parameter: Int32 = 0
  /// The UTF-8 bytes of the texts bound since the last row, one after
  /// another, and each one's parameter and end in them.
  ///
  /// SQLite copies a text bound as transient into memory of its own, a
  /// `malloc` and a `free` under its memory mutex for every value. The
  /// texts are copied here instead, into a buffer that is reused row after
  /// row, and bound as static for the one step that reads them: a million
  /// cases' import binds sixteen million texts.
  private var pendingBytes: [UInt8] = []
  private var pendingTexts: [(parameter: Int32, end: Int)] = []

  /// Wraps a statement prepared by GRDB.
  init(_ statement: Statement) {
    self.statement = statement
  }

  /// Prepares `sql` in `db`.
  ///
  /// - Throws: `DatabaseError` when the SQL is invalid.
  init(_ db: Database, sql: String) throws {
    statement = try db.makeStatement(sql: sql)
  }

  private var handle: OpaquePointer { statement.sqliteStatement }

  /// Binds the next parameter to a text (`NULL` when `nil`).
  mutating func bind(_ value: String?) {
    parameter += 1
    guard var value else {
      sqlite3_bind_null(handle, parameter)
      return
    }
    // Kept until the row runs: ``execute()`` binds the bytes in place.
    value.withUTF8 { pendingBytes.append(contentsOf: $0) }
    pendingTexts.append((parameter, pendingBytes.count))
  }

  /// Binds the next parameter to an integer (`NULL` when `nil`).
  mutating func bind(_ value: Int64?) {
    parameter += 1
    if let value {
      sqlite3_bind_int64(handle, parameter, value)
    } else {
      sqlite3_bind_null(handle, parameter)
    }
  }

  /// Binds the next parameter to an integer (`NULL` when `nil`).
  mutating func bind(_ value: Int?) {
    bind(value.map(Int64.init))
  }

  /// Binds the next parameter to a real (`NULL` when `nil`).
  mutating func bind(_ value: Double?) {
    parameter += 1
    if let value {
      sqlite3_bind_double(handle, parameter, value)
    } else {
      sqlite3_bind_null(handle, parameter)
    }
  }

  /// Runs the statement with the values bound since the last run, then
  /// makes it ready for the next row.
  ///
  /// - Throws: `DatabaseError` with SQLite's result code and message.
  mutating func execute() throws {
    parameter = 0
    let handle = handle
    defer {
      pendingBytes.removeAll(keepingCapacity: true)
      pendingTexts.removeAll(keepingCapacity: true)
    }
    let code = pendingBytes.withUnsafeBufferPointer { bytes in
      bindPending(bytes, nil)  // SQLITE_STATIC
      let code = sqlite3_step(handle)
      // No binding may outlive the buffer.
      if !pendingTexts.isEmpty { sqlite3_clear_bindings(handle) }
      return code
    }
    guard code == SQLITE_DONE || code == SQLITE_ROW else {
      throw stepFailure(code, of: statement)
    }
    sqlite3_reset(handle)
  }

  /// Binds the pending texts to their parameters, pointing into `bytes`.
  private func bindPending(
    _ bytes: UnsafeBufferPointer<UInt8>, _ destructor: sqlite3_destructor_type?
  ) {
    var start = 0
    for (parameter, end) in pendingTexts {
      // An empty text needs an address all the same: NULL would bind NULL.
      var pointer = Self.empty
      if end > start, let base = bytes.baseAddress {
        pointer = UnsafeRawPointer(base + start).assumingMemoryBound(
          to: CChar.self)
      }
      sqlite3_bind_text(
        handle, parameter, pointer, Int32(end - start), destructor)
      start = end
    }
  }

  mutating func step() throws -> Bool {
    if !pendingTexts.isEmpty {
      // A query steps many times: its texts are copied by SQLite.
      pendingBytes.withUnsafeBufferPointer { bindPending($0, Self.transient) }
      pendingBytes.removeAll(keepingCapacity: true)
      pendingTexts.removeAll(keepingCapacity: true)
      parameter = 0
    }
    let code = sqlite3_step(handle)
    if code == SQLITE_ROW { return true }
    sqlite3_reset(handle)
    guard code == SQLITE_DONE else {
      throw DatabaseError(
        resultCode: ResultCode(rawValue: code),
        message: String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))),
        sql: statement.sql)
    }
    return false
  }

  /// The text of column `column` of the current row; `nil` for `NULL`.
  func string(_ column: Int32) -> String? {
    guard let bytes = sqlite3_column_text(handle, column) else { return nil }
    let count = Int(sqlite3_column_bytes(handle, column))
    return String(
      decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
  }

  /// The result of `body` with the UTF-8 bytes of column `column` of the
  /// current row, read where SQLite holds them; `nil` for `NULL`.
  func withBytes<Result>(
    _ column: Int32, _ body: (UnsafeBufferPointer<UInt8>?) throws -> Result
  ) rethrows -> Result {
    guard let bytes = sqlite3_column_text(handle, column) else {
      return try body(nil)
    }
    let count = Int(sqlite3_column_bytes(handle, column))
    return try body(UnsafeBufferPointer(start: bytes, count: count))
  }

  /// The integer of column `column` of the current row (0 for `NULL`).
  func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

  /// Whether column `column` of the current row holds exactly the UTF-8
  /// bytes of `value` (false for `NULL`), compared without making a string.
  func column(_ column: Int32, equals value: String) -> Bool {
    guard let bytes = sqlite3_column_text(handle, column) else { return false }
    let count = Int(sqlite3_column_bytes(handle, column))
    var value = value
    return value.withUTF8 {
      $0.elementsEqual(UnsafeBufferPointer(start: bytes, count: count))
    }
  }

  /// How column `column` of the current row sorts against the bytes `value`.
  ///
  /// As SQLite's BINARY collation sorts text: negative before, 0 equal,
  /// positive after. `NULL` sorts before every text.
  func compare(_ column: Int32, with value: UnsafeBufferPointer<UInt8>) -> Int {
    guard let bytes = sqlite3_column_text(handle, column) else { return -1 }
    let count = Int(sqlite3_column_bytes(handle, column))
    return Store.order(UnsafeBufferPointer(start: bytes, count: count), value)
  }

  /// SQLite's `SQLITE_TRANSIENT`: it copies the bytes before the call returns.
  private static let transient = unsafeBitCast(
    -1, to: sqlite3_destructor_type.self)

  /// An empty C string, for an empty text.
  private static var empty: UnsafePointer<CChar> {
    UnsafeRawPointer(("" as StaticString).utf8Start).assumingMemoryBound(
      to: CChar.self)
  }

}

/// Resets a statement whose step failed with `code`, and returns the error
/// as GRDB's `Statement.execute` throws it: SQLite's result code and
/// message, and the statement's SQL.
func stepFailure(_ code: Int32, of statement: Statement) -> DatabaseError {
  let handle = statement.sqliteStatement
  let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(handle)))
  sqlite3_reset(handle)
  return DatabaseError(
    resultCode: ResultCode(rawValue: code), message: message,
    sql: statement.sql)
}
