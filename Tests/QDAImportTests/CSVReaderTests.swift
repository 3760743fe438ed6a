import QDAImport
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
