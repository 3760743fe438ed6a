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
  ///
  /// Works on UTF-8 bytes: the four characters that matter are ASCII, and
  /// no byte of a longer UTF-8 sequence is ASCII. (Foundation's
  /// `replacingOccurrences` went through UTF-16 and was most of the time
  /// of exporting a million units.)
  public static func escape(_ field: String) -> String {
    var field = field
    let (needsQuotes, quotes) = field.withUTF8 { bytes in
      var needsQuotes = false
      var quotes = 0
      for byte in bytes {
        switch byte {
        case UInt8(ascii: "\""): quotes += 1
        case UInt8(ascii: ","), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
          needsQuotes = true
        default: break
        }
      }
      return (needsQuotes, quotes)
    }
    guard needsQuotes || quotes > 0 else { return field }
    return field.withUTF8 { bytes in
      String(unsafeUninitializedCapacity: bytes.count + quotes + 2) { output in
        var count = 0
        func put(_ byte: UInt8) {
          output[count] = byte
          count += 1
        }
        put(UInt8(ascii: "\""))
        for byte in bytes {
          put(byte)
          if byte == UInt8(ascii: "\"") { put(byte) }
        }
        put(UInt8(ascii: "\""))
        return count
      }
    }
  }
}
