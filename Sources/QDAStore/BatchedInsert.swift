import GRDB
import GRDBSQLite

/// An `INSERT` that writes many rows per statement: `INSERT INTO t (…)
/// VALUES (?, ?), (?, ?), …`.
///
/// Every step of a prepared statement costs SQLite the same setting up and
/// tearing down whatever the row. A bulk load steps millions of times: in
/// C, with nothing of Swift's, 200,000 cases' units, texts and attributes
/// took 1.5 s of CPU inserted a row per step and 0.95 s 64 rows per step
/// (see Benchmarks/README.md). Rows are bound in order, as with
/// ``BulkStatement``, and held (texts as bytes in one reused buffer) until
/// ``flush()`` writes them with a statement made for that many rows, or
/// until ``endRow()`` says the batch is full.
///
/// A failing flush keeps none of its rows pending. SQLite undoes the rows
/// the statement wrote before the failing one, unless the statement says
/// `INSERT OR FAIL`: then they stay (and SQLite keeps no journal of the
/// pages the statement changes, which undoing them would need).
struct BatchedInsert {
  /// `INSERT INTO t (a, b) VALUES`.
  private let head: String
  /// One row's values, such as `(?, ?, 'auto')`.
  private let row: String
  /// The parameters one row has.
  private let parametersPerRow: Int
  /// How many rows a full batch holds.
  let rowsPerStep: Int
  private let db: Database
  /// The statements made so far, by how many rows they insert.
  private var statements: [Int: Statement] = [:]
  /// The values bound, in parameter order.
  private var values: [Value] = []
  /// The UTF-8 bytes of the texts bound, one after another.
  private var bytes: [UInt8] = []
  /// How many rows are complete and not yet written.
  private(set) var pendingRows = 0

  private enum Value {
    case null
    case integer(Int64)
    case real(Double)
    /// The text's bytes end here in `bytes`, where the previous text's end.
    case text(end: Int)
  }

  /// Prepares to insert rows into a table.
  ///
  /// - Parameters:
  ///   - db: The connection, which the insert must not outlive.
  ///   - head: The statement up to its values: `INSERT INTO t (a, b) VALUES`.
  ///   - row: One row's values with a `?` for each bound value.
  ///   - rowsPerStep: How many rows a full batch holds.
  init(_ db: Database, head: String, row: String, rowsPerStep: Int = 64) {
    precondition(rowsPerStep > 0)
    self.db = db
    self.head = head
    self.row = row
    self.parametersPerRow =
      row.utf8.lazy.filter { $0 == UInt8(ascii: "?") }
      .count
    // SQLite's default limit on a statement's parameters.
    precondition(parametersPerRow * rowsPerStep <= 32766)
    self.rowsPerStep = rowsPerStep
    values.reserveCapacity(parametersPerRow * rowsPerStep)
  }

  /// Binds the next value of the row being bound to a text (`NULL` when
  /// `nil`).
  mutating func bind(_ value: String?) {
    guard let value else {
      values.append(.null)
      return
    }
    bind(value)
  }

  /// Binds the next value of the row being bound to a text.
  ///
  /// Not an optional: wrapping a string in one copies it, which retains
  /// its storage, and this runs for every text of a bulk load.
  mutating func bind(_ value: String) {
    // Read in place when the string is stored contiguously, as native
    // strings are; a bridged one is copied first.
    if value.utf8.withContiguousStorageIfAvailable({
      bytes.append(contentsOf: $0)
    }) == nil {
      var copy = value
      copy.withUTF8 { bytes.append(contentsOf: $0) }
    }
    values.append(.text(end: bytes.count))
  }

  /// Binds the next value of the row being bound to the text that `write`
  /// appends to the bytes it is given, as UTF-8.
  mutating func bindText(_ write: (inout [UInt8]) -> Void) {
    write(&bytes)
    values.append(.text(end: bytes.count))
  }

  /// Binds the next value to an integer (`NULL` when `nil`).
  mutating func bind(_ value: Int64?) {
    values.append(value.map(Value.integer) ?? .null)
  }

  /// Binds the next value to an integer (`NULL` when `nil`).
  mutating func bind(_ value: Int?) {
    bind(value.map(Int64.init))
  }

  /// Binds the next value to a real (`NULL` when `nil`).
  mutating func bind(_ value: Double?) {
    values.append(value.map(Value.real) ?? .null)
  }

  /// Ends the row being bound; returns whether the batch is now full.
  mutating func endRow() -> Bool {
    pendingRows += 1
    assert(values.count == pendingRows * parametersPerRow)
    return pendingRows >= rowsPerStep
  }

  /// Drops the rows bound and not written.
  mutating func discard() {
    values.removeAll(keepingCapacity: true)
    bytes.removeAll(keepingCapacity: true)
    pendingRows = 0
  }

  /// Writes the complete rows bound since the last flush, in one
  /// statement; does nothing when there are none.
  ///
  /// - Throws: `DatabaseError` with SQLite's result code and message; no
  ///   row of the batch is left pending, and none is written unless the
  ///   statement is an `INSERT OR FAIL`.
  mutating func flush() throws {
    guard pendingRows > 0 else { return }
    defer { discard() }
    let statement = try statement(rows: pendingRows)
    let handle = statement.sqliteStatement
    let code = bytes.withUnsafeBufferPointer { bytes in
      var start = 0
      for (index, value) in values.enumerated() {
        let parameter = Int32(index + 1)
        switch value {
        case .null: sqlite3_bind_null(handle, parameter)
        case .integer(let value): sqlite3_bind_int64(handle, parameter, value)
        case .real(let value): sqlite3_bind_double(handle, parameter, value)
        case .text(let end):
          // An empty text needs an address all the same: NULL binds NULL.
          var pointer = Self.empty
          if end > start, let base = bytes.baseAddress {
            pointer = UnsafeRawPointer(base + start).assumingMemoryBound(
              to: CChar.self)
          }
          // Static: the bytes stay put until the bindings are cleared.
          sqlite3_bind_text(handle, parameter, pointer, Int32(end - start), nil)
          start = end
        }
      }
      let code = sqlite3_step(handle)
      sqlite3_clear_bindings(handle)
      return code
    }
    guard code == SQLITE_DONE else { throw stepFailure(code, of: statement) }
    sqlite3_reset(handle)
  }

  /// The statement that inserts `rows` rows, made the first time it is
  /// needed.
  private mutating func statement(rows: Int) throws -> Statement {
    if let statement = statements[rows] { return statement }
    let sql =
      head + " " + repeatElement(row, count: rows).joined(separator: ", ")
    let statement = try db.makeStatement(sql: sql)
    statements[rows] = statement
    return statement
  }

  /// An empty C string, for an empty text.
  private static var empty: UnsafePointer<CChar> {
    UnsafeRawPointer(("" as StaticString).utf8Start).assumingMemoryBound(
      to: CChar.self)
  }
}
