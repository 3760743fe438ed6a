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
    let handle = handle
    let parameter = parameter
    value.withUTF8 { bytes in
      // An empty buffer may have no address, which SQLite reads as NULL.
      guard let start = bytes.baseAddress, !bytes.isEmpty else {
        _ = sqlite3_bind_text(handle, parameter, "", 0, Self.transient)
        return
      }
      _ = start.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
        sqlite3_bind_text(
          handle, parameter, $0, Int32(bytes.count), Self.transient)
      }
    }
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
    let code = sqlite3_step(handle)
    guard code == SQLITE_DONE || code == SQLITE_ROW else {
      let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(handle)))
      sqlite3_reset(handle)
      throw DatabaseError(
        resultCode: ResultCode(rawValue: code), message: message,
        sql: statement.sql)
    }
    sqlite3_reset(handle)
  }

  /// Steps to the next row of a query.
  ///
  /// - Returns: Whether there is a row; after the last, the statement is
  ///   reset.
  /// - Throws: `DatabaseError` with SQLite's result code and message.
  mutating func step() throws -> Bool {
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

  /// SQLite's `SQLITE_TRANSIENT`: it copies the bytes before the call returns.
  private static let transient = unsafeBitCast(
    -1, to: sqlite3_destructor_type.self)

}
