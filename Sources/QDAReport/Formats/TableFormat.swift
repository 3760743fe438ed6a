/// Aligned columns for reading in a terminal: numbers right, text left, line
/// breaks inside a cell shown as spaces.
public struct TableFormat: ReportFormat {
  public static let identifier = "table"

  /// Creates the format.
  public init() {}

  public func render(_ report: any Report) -> String {
    let table = report.table
    let lines =
      [table.columns.map(\.name)]
      + (table.rows + table.footer).map { $0.map { Self.flat($0.text) } }
    var widths = table.columns.map { _ in 0 }
    for line in lines {
      for (index, cell) in line.enumerated() {
        widths[index] = max(widths[index], Self.width(of: cell))
      }
    }
    func format(_ line: [String]) -> String {
      var parts: [String] = []
      for (index, cell) in line.enumerated() {
        let padding = String(
          repeating: " ", count: widths[index] - Self.width(of: cell))
        let isLast = index == line.count - 1
        if table.columns[index].isNumeric {
          parts.append(padding + cell)
        } else {
          parts.append(isLast ? cell : cell + padding)
        }
      }
      var line = parts.joined(separator: "  ")
      while line.last == " " { line.removeLast() }
      return line
    }
    var output = format(lines[0]) + "\n"
    output +=
      widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
      + "\n"
    for row in table.rows {
      output += format(row.map { Self.flat($0.text) }) + "\n"
    }
    if !table.footer.isEmpty {
      output +=
        widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        + "\n"
      for row in table.footer {
        output += format(row.map { Self.flat($0.text) }) + "\n"
      }
    }
    return output
  }

  /// The display width: one column per character.
  static func width(of text: String) -> Int { text.count }

  /// A cell on one line: each line break becomes one space.
  static func flat(_ text: String) -> String {
    guard text.contains(where: \.isNewline) else { return text }
    return String(text.map { $0.isNewline ? " " : $0 })
  }
}
