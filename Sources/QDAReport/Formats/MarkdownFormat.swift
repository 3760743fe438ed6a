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
    var output =
      "| " + table.columns.map { Self.escape($0.name) }.joined(separator: " | ")
      + " |\n"
    output +=
      "|"
      + table.columns.map { $0.isNumeric ? "---:" : "---" }.joined(
        separator: "|") + "|\n"
    for row in table.rows {
      output +=
        "| " + row.map { Self.escape($0.text) }.joined(separator: " | ")
        + " |\n"
    }
    for row in table.footer {
      output +=
        "| "
        + row.map { $0.text.isEmpty ? "" : "**" + Self.escape($0.text) + "**" }
        .joined(separator: " | ") + " |\n"
    }
    return output
  }

  static func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "|", with: "\\|")
      .replacingOccurrences(of: "\r\n", with: "<br>")
      .replacingOccurrences(of: "\n", with: "<br>")
      .replacingOccurrences(of: "\r", with: "<br>")
  }
}
