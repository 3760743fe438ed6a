import Foundation

/// A GitHub-flavoured Markdown table, numbers right-aligned.
///
/// `|` in a cell is escaped and line breaks become `<br>`; footer rows are
/// set in bold.
public struct MarkdownFormat: ReportFormat {
  public static let identifier = "markdown"

  /// Creates the format.
  public init() {}

  public func render(_ report: any Report) -> String {
    let table = report.table
    var output = Self.header(table.columns)
    for row in table.rows { output += Self.line(row) }
    for row in table.footer {
      output +=
        "| "
        + row.map { $0.text.isEmpty ? "" : "**" + Self.escape($0.text) + "**" }
        .joined(separator: " | ") + " |\n"
    }
    return output
  }

  /// The header line and the alignment line, each with its line end.
  static func header(_ columns: [ReportTable.Column]) -> String {
    "| " + columns.map { escape($0.name) }.joined(separator: " | ") + " |\n"
      + "|"
      + columns.map { $0.isNumeric ? "---:" : "---" }.joined(
        separator: "|") + "|\n"
  }

  /// A row's line, with its line end.
  static func line(_ row: [Cell]) -> String {
    "| " + row.map { escape($0.text) }.joined(separator: " | ") + " |\n"
  }

  static func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "|", with: "\\|")
      .replacingOccurrences(of: "\r\n", with: "<br>")
      .replacingOccurrences(of: "\n", with: "<br>")
      .replacingOccurrences(of: "\r", with: "<br>")
  }
}
