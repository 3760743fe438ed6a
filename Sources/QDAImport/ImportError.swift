/// Everything that can go wrong reading an input file.
///
/// Each case knows its file and, where it has one, its line, so every
/// message reads `path:line: error: …`.
public enum ImportError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The file does not exist.
  case missingFile(path: String)
  /// The path names a directory.
  case isDirectory(path: String)
  /// The file exists but cannot be read.
  case unreadable(path: String, reason: String)
  /// The file has no bytes, or only blank lines.
  case emptyFile(path: String)
  /// The file has a header but no records.
  case headerOnly(path: String)
  /// Bytes that are not UTF-8 in a file that is otherwise UTF-8 (or was declared so).
  case invalidUTF8(
    path: String, line: Int, offset: Int, byte: UInt8, utf8Line: Int?)
  /// The byte 0x98, which Windows-1251 leaves undefined.
  case undefinedWindows1251(path: String, line: Int, offset: Int)
  /// A NUL byte.
  case nulByte(path: String, line: Int)
  /// A quoted field that never closes.
  case unterminatedQuote(path: String, line: Int)
  /// Characters between a closing quote and the next delimiter.
  case textAfterQuote(path: String, line: Int)
  /// A field over the size limit.
  case fieldTooLarge(path: String, line: Int, limit: Int)
  /// A record whose field count differs from the header's.
  case raggedRecord(
    path: String, line: Int, record: Int, fields: Int, expected: Int)
  /// Two header columns with one name.
  case duplicateColumn(path: String, name: String)
  /// An empty header cell.
  case emptyColumnName(path: String, column: Int)
  /// A column named in an option that the header lacks.
  case unknownColumn(
    path: String, name: String, option: String, available: [String])
  /// A column named twice in an option's list (`--text-columns a,a`).
  case repeatedColumn(path: String, name: String, option: String)
  /// No text column to code.
  case noTextColumns(path: String, available: [String])
  /// An empty id.
  case emptyID(path: String, line: Int, column: String)
  /// An id used twice in one file.
  case duplicateID(path: String, line: Int, id: String, firstLine: Int)
  /// A date in neither accepted form, or not on the calendar.
  case invalidDate(path: String, line: Int, value: String)
  /// A problem in a transcript (WebVTT, SRT or text), with its line.
  case transcript(path: String, line: Int, message: String)
  /// Malformed JSON, or JSON that is not what the importer reads (a
  /// Telegram export without messages), with its line.
  case json(path: String, line: Int, message: String)
  /// Several errors found in one file, in file order.
  case multiple([ImportError])

  /// The line the error names, if it names one.
  public var line: Int? {
    switch self {
    case .invalidUTF8(_, let line, _, _, _),
      .undefinedWindows1251(_, let line, _),
      .nulByte(_, let line), .unterminatedQuote(_, let line),
      .textAfterQuote(_, let line), .fieldTooLarge(_, let line, _),
      .emptyID(_, let line, _), .duplicateID(_, let line, _, _),
      .invalidDate(_, let line, _), .transcript(_, let line, _),
      .json(_, let line, _):
      return line
    case .raggedRecord(_, let line, _, _, _): return line
    default: return nil
    }
  }

  /// The errors this error stands for, flattened.
  public var all: [ImportError] {
    if case .multiple(let errors) = self { return errors.flatMap(\.all) }
    return [self]
  }

  /// Whether the error is about a file that could not be opened, rather than its content.
  public var isMissingInput: Bool {
    switch self {
    case .missingFile, .isDirectory, .unreadable: return true
    case .multiple(let errors): return errors.allSatisfy(\.isMissingInput)
    default: return false
    }
  }

  /// The message, as `path[:line]: error: text`; several errors take several lines.
  public var description: String {
    switch self {
    case .missingFile(let path):
      return "\(path): error: no such file"
    case .isDirectory(let path):
      return "\(path): error: is a directory, not a file"
    case .unreadable(let path, let reason):
      return "\(path): error: cannot read the file (\(reason))"
    case .emptyFile(let path):
      return
        "\(path):1: error: the file is empty; expected a header line and records"
    case .headerOnly(let path):
      return "\(path):2: error: the file has a header but no records"
    case .invalidUTF8(let path, let line, let offset, let byte, let utf8Line):
      let hex = "0x" + String(byte, radix: 16, uppercase: true)
      var message =
        "\(path):\(line): error: invalid UTF-8 (byte \(hex)) at byte offset \(offset), line \(line)"
      if let utf8Line {
        message +=
          "; the file mixes encodings (line \(utf8Line) is UTF-8): re-save it as UTF-8"
      } else {
        message += "; if the file is Windows-1251, pass --encoding windows-1251"
      }
      return message
    case .undefinedWindows1251(let path, let line, let offset):
      return
        "\(path):\(line): error: byte 0x98 at byte offset \(offset) is neither UTF-8 nor Windows-1251; re-save the file as UTF-8"
    case .nulByte(let path, let line):
      return
        "\(path):\(line): error: NUL byte in a field; the file is binary or corrupt"
    case .unterminatedQuote(let path, let line):
      return
        "\(path):\(line): error: unterminated quoted field starting at line \(line)"
    case .textAfterQuote(let path, let line):
      return
        "\(path):\(line): error: text after a closing quote; a quote inside a quoted field must be doubled (\"\")"
    case .fieldTooLarge(let path, let line, let limit):
      return
        "\(path):\(line): error: a field is larger than \(limit / 1024) KiB; is a quote left open?"
    case .raggedRecord(let path, let line, let record, let fields, let expected):
      return
        "\(path):\(line): error: record \(record) (line \(line)) has \(fields) fields, header has \(expected)"
    case .duplicateColumn(let path, let name):
      return
        "\(path):1: error: the header names column '\(excerpt(name))' twice"
    case .emptyColumnName(let path, let column):
      return "\(path):1: error: column \(column) of the header has no name"
    case .unknownColumn(let path, let name, let option, let available):
      return
        "\(path):1: error: unknown column '\(excerpt(name))' (\(option)); the header has \(quoted(available))"
    case .repeatedColumn(let path, let name, let option):
      return
        "\(path):1: error: \(option) names column '\(excerpt(name))' twice"
    case .noTextColumns(let path, let available):
      return
        "\(path):1: error: no text column to code; name them with --text-columns (the header has \(quoted(available)))"
    case .emptyID(let path, let line, let column):
      return "\(path):\(line): error: empty id in column '\(column)'"
    case .duplicateID(let path, let line, let id, let firstLine):
      return
        "\(path):\(line): error: duplicate id '\(excerpt(id))' (first used on line \(firstLine))"
    case .invalidDate(let path, let line, let value):
      return
        "\(path):\(line): error: invalid date '\(excerpt(value))'; expected YYYY-MM-DD or DD.MM.YYYY"
    case .transcript(let path, let line, let message),
      .json(let path, let line, let message):
      return "\(path):\(line): error: \(message)"
    case .multiple(let errors):
      return errors.map(\.description).joined(separator: "\n")
    }
  }
}

/// A value from a file as a message quotes it: at most 60 characters.
///
/// A hostile value of megabytes still makes a message of one line.
func excerpt(_ value: String) -> String {
  value.count <= 60 ? value : value.prefix(57) + "…"
}

/// Quotes names for messages: `'a', 'b'`, the first twenty of them.
func quoted(_ names: [String]) -> String {
  // A header of thousands of columns would make a message of megabytes.
  let shown = names.prefix(20).map { "'\(excerpt($0))'" }.joined(
    separator: ", ")
  return names.count > 20 ? shown + " and \(names.count - 20) more" : shown
}
