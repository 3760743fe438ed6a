import GRDB

/// The numbers of the names in `codingName` — codes, coders, rules and
/// fields — that a write of many codings uses, each looked up in SQLite
/// (and added there if new) the first time it is met.
struct CodingNames {
  private let db: Database
  /// The names met so far, numbered from 1 in the order met.
  private var numbering = StringNumbering()
  /// The `codingName` id of each name met, by its number minus one.
  private var ids: [Int64] = []
  private let find: Statement
  private let add: Statement

  /// Prepares to number names in `db`, which must outlive this.
  init(_ db: Database) throws {
    self.db = db
    find = try db.makeStatement(
      sql: "SELECT id FROM codingName WHERE name = ?")
    add = try db.makeStatement(sql: "INSERT INTO codingName (name) VALUES (?)")
  }

  /// The id of `name` in `codingName`, which holds it from now on.
  ///
  /// - Throws: `DatabaseError` when SQLite fails.
  mutating func id(of name: String) throws -> Int64 {
    let number = numbering.number(of: name)
    if number <= ids.count { return ids[number - 1] }
    if let id = try Int64.fetchOne(find, arguments: [name]) {
      ids.append(id)
    } else {
      try add.execute(arguments: [name])
      ids.append(db.lastInsertedRowID)
    }
    return ids[number - 1]
  }

  /// Every name of `codingName`, by its id: for reads that meet codings'
  /// codes by number.
  ///
  /// - Throws: A GRDB error.
  static func all(in db: Database) throws -> [Int64: String] {
    try Dictionary(
      uniqueKeysWithValues: Row.fetchAll(
        db, sql: "SELECT id, name FROM codingName"
      ).map { ($0[0] as Int64, $0[1] as String) })
  }

  /// The id of `name`, or `nil` for no name.
  mutating func id(ofOptional name: String?) throws -> Int64? {
    guard let name else { return nil }
    return try id(of: name)
  }
}
