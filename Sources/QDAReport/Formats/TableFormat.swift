/// Aligned columns for reading in a terminal: numbers right, text left.
public struct TableFormat: ReportFormat {
  public static let identifier = "table"

  /// Creates the format.
  public init() {}

  public func render(_ report: any Report) -> String {
    let table = report.table
    let lines = [table.columns.map(\.name)] + (table.rows + table.footer).map { $0.map(\.text) }
    var widths = table.columns.map { _ in 0 }
    for line in lines {
      for (index, cell) in line.enumerated() {
        widths[index] = max(widths[index], Self.width(of: cell))
      }
    }
    func format(_ line: [String]) -> String {
      var parts: [String] = []
      for (index, cell) in line.enumerated() {
        let padding = String(repeating: " ", count: widths[index] - Self.width(of: cell))
        let isLast = index == line.count - 1
        if table.columns[index].isNumeric {
          parts.append(padding + cell)
        } else {
          parts.append(isLast ? cell : cell + padding)
        }
      }
      return parts.joined(separator: "  ")
    }
    var output = format(lines[0]) + "\n"
    output += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
    for row in table.rows { output += format(row.map(\.text)) + "\n" }
    if !table.footer.isEmpty {
      output += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
      for row in table.footer { output += format(row.map(\.text)) + "\n" }
    }
    return output
  }

  /// The display width: one column per character, line breaks shown as one space.
  static func width(of text: String) -> Int { text.count }
}
