import Crypto
import Foundation
import QDAImport
import QDATestSupport
import Testing

/// Reads a CSV file the way `qda import reports` does: survey the encoding,
/// detect the delimiter, then decode every field.
func readAll(_ url: URL) throws -> [[String]] {
  let survey = try EncodingDetector.survey(path: url.path)
  let delimiter = try CSVReader.detectDelimiter(path: url.path)
  let reader = CSVReader(
    stream: try ByteStream(path: url.path), delimiter: delimiter, path: url.path
  )
  var rows: [[String]] = []
  while let record = try reader.next() {
    rows.append(record.fields.map { survey.encoding.decode($0) })
  }
  return rows
}

/// The csv-spectrum acid test (maxogden/csv-spectrum), read from ../shared.
@Suite struct CSVSpectrumTests {
  static let directory = TestPaths.conformance("csv-spectrum")

  static var names: [String] {
    let files =
      (try? FileManager.default.contentsOfDirectory(
        atPath: directory.appendingPathComponent("csvs").path)) ?? []
    return files.filter { $0.hasSuffix(".csv") }.map { String($0.dropLast(4)) }
      .sorted()
  }

  @Test func fixturesArePresentAndUnconverted() throws {
    #expect(Self.names.count == 11)
    let readme = try String(
      contentsOf: Self.directory.appendingPathComponent("README.md"),
      encoding: .utf8)
    for line in readme.split(separator: "\n")
    where line.hasSuffix(".csv") || line.hasSuffix(".json") {
      let parts = line.split(separator: " ", omittingEmptySubsequences: true)
      guard parts.count == 2, parts[0].count == 64 else { continue }
      let data = try Data(
        contentsOf: Self.directory.appendingPathComponent(String(parts[1])))
      let hash = SHA256.hash(data: data).map { String(format: "%02x", $0) }
        .joined()
      #expect(
        hash == String(parts[0]), "\(parts[1]) was altered (line endings?)")
    }
  }

  @Test(arguments: names) func parsesAsExpected(name: String) throws {
    let rows = try readAll(
      Self.directory.appendingPathComponent("csvs/\(name).csv"))
    let json = try Data(
      contentsOf: Self.directory.appendingPathComponent("json/\(name).json"))
    let expected =
      try JSONSerialization.jsonObject(with: json) as! [[String: String]]
    let header = try #require(rows.first)
    let objects = rows.dropFirst().map {
      Dictionary(uniqueKeysWithValues: zip(header, $0))
    }
    #expect(objects == expected)
  }
}

/// The constructed edge cases of ../shared/conformance/csv-edge.
@Suite struct CSVEdgeTests {
  struct Case: Sendable, CustomStringConvertible {
    var file: String
    var rows: [[String]]?
    var error: String?
    var description: String { file }
  }

  static let directory = TestPaths.conformance("csv-edge")

  static var cases: [Case] {
    guard
      let data = try? Data(
        contentsOf: directory.appendingPathComponent("expected.json")),
      let json = try? JSONSerialization.jsonObject(with: data)
        as? [String: Any],
      let cases = json["cases"] as? [[String: Any]]
    else { return [] }
    return cases.map {
      Case(
        file: $0["file"] as? String ?? "?",
        rows: $0["expected_rows"] as? [[String]],
        error: ($0["expected_error"] ?? $0["expected_error_or_rows"]) as? String
      )
    }
  }

  @Test func everyFileHasACase() {
    #expect(Self.cases.count == 11)
  }

  @Test(arguments: cases) func readsRowsOrReportsTheError(_ item: Case) throws {
    let url = Self.directory.appendingPathComponent(item.file)
    if let expected = item.rows {
      #expect(try readAll(url) == expected)
      return
    }
    // Errors: qda reports every problem, naming the line the fixture names.
    let messages = try problems(reading: url)
    switch item.file {
    case "ragged_rows.csv":
      #expect(
        messages == [
          "\(url.path):3: error: record 3 (line 3) has 2 fields, header has 4",
          "\(url.path):4: error: record 4 (line 4) has 5 fields, header has 4",
        ])
    case "unterminated_quote.csv":
      #expect(
        messages == [
          "\(url.path):2: error: unterminated quoted field starting at line 2"
        ])
    case "nul_byte.csv":
      #expect(
        messages == [
          "\(url.path):2: error: NUL byte in a field; the file is binary or corrupt"
        ])
    case "invalid_utf8.csv":
      #expect(messages.count == 1)
      #expect(
        messages[0].hasPrefix(
          "\(url.path):3: error: invalid UTF-8 (byte 0xFF) at byte offset 21, line 3"
        ))
    default:
      Issue.record("no expectation for \(item.file): \(item.error ?? "")")
    }
  }

  /// Reads a file as rows of a 2+-column CSV and returns the diagnostics.
  func problems(reading url: URL) throws -> [String] {
    do {
      let survey = try EncodingDetector.survey(path: url.path)
      let reader = CSVReader(
        stream: try ByteStream(path: url.path), path: url.path)
      var expectedCount: Int?
      var messages: [String] = []
      var number = 0
      while let record = try reader.next() {
        number += 1
        _ = survey
        if let expectedCount, record.fields.count != expectedCount {
          messages.append(
            ImportError.raggedRecord(
              path: url.path, line: record.line, record: number,
              fields: record.fields.count,
              expected: expectedCount
            ).description)
        }
        expectedCount = expectedCount ?? record.fields.count
      }
      return messages
    } catch let error as ImportError {
      return [error.description]
    }
  }

  @Test func blankLinesAreSkippedAndCounted() throws {
    let url = Self.directory.appendingPathComponent("blank_lines.csv")
    let reader = CSVReader(
      stream: try ByteStream(path: url.path), path: url.path)
    var lines: [Int] = []
    while let record = try reader.next() { lines.append(record.line) }
    #expect(lines == [1, 2, 4])
    #expect(reader.skippedBlankLines == 3)
  }

  @Test func windows1251IsDetectedAndUTF8DecodingIsRefused() throws {
    let url = Self.directory.appendingPathComponent("ru_cp1251_crlf.csv")
    #expect(
      try EncodingDetector.survey(path: url.path).encoding == .windows1251)
    #expect(throws: ImportError.self) {
      try EncodingDetector.survey(path: url.path, declared: .utf8)
    }
  }

  @Test func byteOrderMarkIsStrippedFromTheFirstHeader() throws {
    let url = Self.directory.appendingPathComponent("ru_utf8_bom_crlf.csv")
    let survey = try EncodingDetector.survey(path: url.path)
    #expect(survey.hasByteOrderMark)
    #expect(try readAll(url)[0][0] == "case_id")
  }
}
