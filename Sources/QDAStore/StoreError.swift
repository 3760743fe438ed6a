/// Everything that can go wrong with a qda database.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
  /// A command that reads found no database.
  case missingDatabase(path: String)
  /// The database file could not be created or opened for writing.
  case cannotOpen(path: String, reason: String)
  /// A copy of the database could not be written there.
  case cannotWriteCopy(path: String, reason: String)
  /// The file is not an SQLite database, or is damaged.
  case notADatabase(path: String)
  /// Another SQLite failure.
  case sqlite(path: String, message: String)
  /// A unit id that another source already uses.
  case unitConflict(path: String, line: Int?, unit: String, source: String)
  /// A unit id that is not in the database.
  case unknownUnit(String)
  /// A source name that is not in the database.
  case unknownSource(String)
  /// A code that the current codebook lacks.
  case unknownCode(String, codebook: String?)
  /// A coding to remove that does not exist.
  case missingCoding(unit: String, code: String, coder: String)
  /// Manual coding needs a codebook, and none was applied.
  case noCodebook
  /// A row of a codings file that names an unknown unit or code.
  case badCodingRow(path: String, line: Int, problem: String)
  /// Several problems found in one file.
  case multiple([StoreError])

  /// Whether the error is about data rather than the database file.
  public var isDataError: Bool {
    switch self {
    case .unitConflict, .unknownUnit, .unknownSource, .unknownCode,
      .missingCoding, .noCodebook,
      .badCodingRow, .multiple:
      return true
    default: return false
    }
  }

  public var description: String {
    switch self {
    case .missingDatabase(let path):
      return
        "\(path): error: no qda database here; import data first (qda import reports FILE.csv) or pass --db"
    case .cannotOpen(let path, let reason):
      return "\(path): error: cannot open the database for writing (\(reason))"
    case .cannotWriteCopy(let path, let reason):
      return "\(path): error: cannot write the copy (\(reason))"
    case .notADatabase(let path):
      return
        "\(path): error: the file is not a qda database or is corrupt; restore it from a backup"
    case .sqlite(let path, let message):
      return "\(path): error: database error: \(message)"
    case .unitConflict(let path, let line, let unit, let source):
      let place = line.map { "\(path):\($0)" } ?? path
      return
        "\(place): error: unit id '\(unit)' is already used by source '\(source)'; rename the id or import into another database"
    case .unknownUnit(let unit):
      return "error: no unit '\(unit)' in the database"
    case .unknownSource(let source):
      return "error: no source '\(source)' in the database"
    case .unknownCode(let code, let codebook):
      let book = codebook.map { " of codebook '\($0)'" } ?? ""
      return
        "error: no code '\(code)' in the codes\(book); use theme.code as in the codebook"
    case .missingCoding(let unit, let code, let coder):
      return "error: unit '\(unit)' has no coding '\(code)' by '\(coder)'"
    case .noCodebook:
      return
        "error: no codebook has been applied yet; run 'qda code auto --codebook FILE' first"
    case .badCodingRow(let path, let line, let problem):
      return "\(path):\(line): error: \(problem)"
    case .multiple(let errors):
      return errors.map(\.description).joined(separator: "\n")
    }
  }
}
