import Foundation
import QDAImport
import QDATestSupport
import Testing

@Suite struct CSVReaderTests {
  func rows(_ text: String, delimiter: Character = ",", limit: Int = 1 << 20)
    throws -> [[String]]
  {
    let reader = CSVReader(
      stream: ByteStream(bytes: Array(text.utf8)),
      delimiter: delimiter.asciiValue ?? 0,
      maximumFieldBytes: limit)
    var rows: [[String]] = []
    while let record = try reader.next() {
      rows.append(record.fields.map { String(decoding: $0, as: UTF8.self) })
    }
    return rows
  }

  /// Every record (fields and line) and every error, for a file read in
  /// chunks of `chunkSize` bytes.
  func parse(_ bytes: [UInt8], chunkSize: Int, limit: Int) throws -> [String] {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.path("f.csv")
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let reader = CSVReader(
      stream: try ByteStream(path: path, chunkSize: chunkSize),
      maximumFieldBytes: limit)
    var records: [String] = []
    do {
      while let record = try reader.next() {
        records.append("\(record.line) \(record.fields)")
      }
    } catch {
      records.append("\(error)")
    }
    return records
  }

  /// Plain bytes are taken a run at a time, up to the end of what is
  /// buffered: read a byte at a time (where every run is empty), in random
  /// small chunks and in whole ones, random files give the same records,
  /// lines and errors: quotes, doubled quotes, CR, LF and CR LF inside and
  /// outside quotes, text after a closing quote, NUL, oversized fields.
  @Test func runsOfPlainBytesParseAsBytesOneByOne() throws {
    var generator = SeededGenerator(seed: 23)
    let pieces = [
      "a", "case", "ночью", ",", ",", "\"", "\"\"", "\n", "\r", "\r\n", " ",
      "naloxone overdose", "\u{0}",
    ]
    for round in 0..<300 {
      var text = generator.text(of: pieces, counts: 0...60)
      if round % 7 == 0 {
        text = text.replacingOccurrences(of: "\u{0}", with: "")
      }
      let bytes = Array(text.utf8)
      let limit = round % 5 == 0 ? 12 : 1 << 20
      let expected = try parse(bytes, chunkSize: 1, limit: limit)
      for chunkSize in [Int.random(in: 2...9, using: &generator), 1 << 16] {
        #expect(
          try parse(bytes, chunkSize: chunkSize, limit: limit) == expected,
          "\(text.debugDescription) in chunks of \(chunkSize)")
      }
    }
  }

  @Test func quotedFieldsHoldDelimitersQuotesAndLineBreaks() throws {
    #expect(
      try rows("a,b\n\"1,2\",\"say \"\"hi\"\"\"\n\"x\r\ny\",z\n") == [
        ["a", "b"], ["1,2", "say \"hi\""], ["x\r\ny", "z"],
      ])
  }

  @Test func semicolonAndTabDelimiters() throws {
    #expect(
      try rows("a;b\n1,5;2\n", delimiter: ";") == [["a", "b"], ["1,5", "2"]])
    #expect(
      try rows("a\tb\n1\t2", delimiter: "\t") == [["a", "b"], ["1", "2"]])
  }

  @Test func delimiterDetectionIgnoresQuotedText() {
    #expect(
      CSVReader.detectDelimiter(
        ByteStream(bytes: Array("\"a,b,c\";d;e\n".utf8))) == UInt8(ascii: ";"))
    #expect(
      CSVReader.detectDelimiter(ByteStream(bytes: Array("a\tb\tc\n".utf8)))
        == UInt8(ascii: "\t"))
    #expect(
      CSVReader.detectDelimiter(ByteStream(bytes: Array("a,b\n".utf8)))
        == UInt8(ascii: ","))
  }

  @Test func recordLinesCountLineBreaksInsideQuotes() throws {
    let reader = CSVReader(
      stream: ByteStream(bytes: Array("a\n\"x\ny\"\nz\n".utf8)))
    var lines: [Int] = []
    while let record = try reader.next() { lines.append(record.line) }
    #expect(lines == [1, 2, 4])
  }

  @Test func textAfterAClosingQuoteIsAnError() {
    #expect(throws: ImportError.textAfterQuote(path: "<input>", line: 2)) {
      try rows("a,b\n\"x\"y,z\n")
    }
  }

  @Test func oversizedFieldIsAnError() {
    #expect(
      throws: ImportError.fieldTooLarge(path: "<input>", line: 2, limit: 4)
    ) {
      try rows("a\n12345\n", limit: 4)
    }
  }
}
