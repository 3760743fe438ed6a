import QDAImport
import QDAStore

/// A coder's codings file: CSV with header `unit,code` and an optional `memo`.
public enum ManualCodingFile {
  /// Reads `unit,code[,memo]` rows.
  public static func read(_ path: String) throws -> [ManualCoding] {
    let survey = try EncodingDetector.survey(path: path)
    let reader = CSVReader(
      stream: try ByteStream(path: path),
      delimiter: try CSVReader.detectDelimiter(path: path),
      path: path)
    guard let header = try reader.next() else {
      throw ImportError.emptyFile(path: path)
    }
    let names = header.fields.map {
      survey.encoding.decode($0).trimmingCharacters(in: .whitespaces)
        .lowercased()
    }
    guard let unitIndex = names.firstIndex(of: "unit"),
      let codeIndex = names.firstIndex(of: "code")
    else {
      throw ImportError.unknownColumn(
        path: path, name: names.contains("unit") ? "code" : "unit",
        option: "header",
        available: names)
    }
    let memoIndex = names.firstIndex(of: "memo")
    var codings: [ManualCoding] = []
    var problems: [ImportError] = []
    var number = 1
    while let record = try reader.next() {
      number += 1
      guard record.fields.count == names.count else {
        problems.append(
          .raggedRecord(
            path: path, line: record.line, record: number,
            fields: record.fields.count,
            expected: names.count))
        continue
      }
      func field(_ index: Int) -> String {
        survey.encoding.decode(record.fields[index]).trimmingCharacters(
          in: .whitespaces)
      }
      let memo = memoIndex.map(field).flatMap { $0.isEmpty ? nil : $0 }
      codings.append(
        ManualCoding(
          unit: field(unitIndex), code: field(codeIndex), memo: memo,
          line: record.line))
    }
    if number == 1 { throw ImportError.headerOnly(path: path) }
    if problems.count == 1 { throw problems[0] }
    if !problems.isEmpty { throw ImportError.multiple(problems) }
    return codings
  }
}
