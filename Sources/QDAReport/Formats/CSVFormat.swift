import Foundation

/// RFC 4180 CSV: a header line, then one line per row, LF line ends.
///
/// Fields holding a comma, a quote or a line break are quoted, with quotes
/// doubled. Footer rows (totals) are left out.
public struct CSVFormat: ReportFormat {
  public static let identifier = "csv"

  /// Creates the format.
  public init() {}

  public func render(_ report: any Report) -> String {
    let table = report.table
    var output = Self.line(table.columns.map(\.name))
    for row in table.rows { output += Self.line(row.map(\.text)) }
    return output
  }

  /// One CSV line with its line end.
  public static func line(_ fields: [String]) -> String {
    fields.map(escape).joined(separator: ",") + "\n"
  }

  /// A field, quoted when it must be.
  public static func escape(_ field: String) -> String {
    let needsQuotes = field.unicodeScalars.contains {
      $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r"
    }
    guard needsQuotes else { return field }
    return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}
