import Foundation
import QDATestSupport
import Testing

/// Every kind of bad input gets a `file:line: error:` message on standard
/// error, the sysexits code of DESIGN.md, and leaves the database byte for
/// byte as it was (or absent, when there was none).
@Suite struct BadInputTests {
  static let samples = TestPaths.package("Samples/work-reports.csv").path
  static let codebook = TestPaths.package("Codebooks/web-outreach.yml").path

  /// A directory with a database holding the coded samples.
  struct Project {
    let directory: TemporaryDirectory
    var database: String { directory.path("qda.sqlite") }

    init() throws {
      directory = try TemporaryDirectory()
      #expect(
        try CommandRunner.qda(
          ["import", "reports", samples], in: directory.url
        ).status == 0)
      #expect(
        try CommandRunner.qda(
          ["code", "auto", "--codebook", codebook], in: directory.url
        ).status
          == 0)
    }

    /// The bytes of the database and its companion files.
    func snapshot() -> [String: Data] {
      var files: [String: Data] = [:]
      for suffix in ["", "-wal", "-shm", "-journal"] {
        if let data = FileManager.default.contents(atPath: database + suffix) {
          files[suffix] = data
        }
      }
      return files
    }

    /// Runs `qda` and checks exit status, message and that the database is untouched.
    func expectFailure(
      _ arguments: [String], status: Int32, message: String,
      sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
      let before = snapshot()
      let result = try CommandRunner.qda(arguments, in: directory.url)
      #expect(
        result.status == status, "\(result.stderr)",
        sourceLocation: sourceLocation)
      #expect(
        result.stderr.contains(message), "stderr was: \(result.stderr)",
        sourceLocation: sourceLocation)
      #expect(result.stdout.isEmpty, sourceLocation: sourceLocation)
      #expect(
        snapshot() == before, "the database changed",
        sourceLocation: sourceLocation)
    }

    /// Writes a CSV into the project directory.
    func csv(_ name: String, _ text: String) throws -> String {
      try directory.write(name, text)
    }
  }

  @Test func emptyFile() throws {
    let project = try Project()
    defer { project.directory.remove() }
    let file = try project.csv("empty.csv", "")
    try project.expectFailure(
      ["import", "reports", file], status: 65,
      message: "\(file):1: error: the file is empty")
  }

  @Test func headerOnly() throws {
    let project = try Project()
    defer { project.directory.remove() }
    let file = try project.csv("header.csv", "case_id,date,request,services\n")
    try project.expectFailure(
      ["import", "reports", file], status: 65,
      message: "\(file):2: error: the file has a header but no records")
  }

  @Test func raggedRows() throws {
    let project = try Project()
    defer { project.directory.remove() }
    let file = try project.csv(
      "ragged.csv",
      "case_id,date,request,services\nX1,2020-01-01,a,b\nX2,2020-01-02,a\nX3,2020-01-03,a,b,c\n"
    )
    try project.expectFailure(
      ["import", "reports", file], status: 65,
      message:
        "\(file):3: error: record 3 (line 3) has 3 fields, header has 4\n\(file):4: error: record 4 (line 4) has 5 fields, header has 4"
    )
  }

  @Test func unterminatedQuote() throws {
    let project = try Project()
    defer { project.directory.remove() }
    let file = try project.csv(
      "quote.csv", "case_id,request\nX1,\"never closed\nX2,b\n")
    try project.expectFailure(
      ["import", "reports", file], status: 65,
      message: "\(file):2: error: unterminated quoted field starting at line 2")
  }

  @Test func invalidAndMixedEncoding() throws {
    let project = try Project()
    defer { project.directory.remove() }
    let invalid = try project.directory.write(
      "invalid.csv",
      bytes: Array("case_id,request\nX1,ok\n".utf8) + [
        0x58, 0x32, 0x2C, 0x98, 0x0A,
      ])
    try project.expectFailure(
      ["import", "reports", invalid], status: 65,
      message:
        "\(invalid):3: error: byte 0x98 at byte offset 25 is neither UTF-8 nor Windows-1251"
    )
    let mixed = try project.directory.write(
      "mixed.csv",
      bytes: Array("case_id,request\nX1,вена\nX2,".utf8) + [
        0xE2, 0xE5, 0xED, 0xE0, 0x0A,
      ])
    try project.expectFailure(
      ["import", "reports", mixed], status: 65,
      message:
        "\(mixed):3: error: invalid UTF-8 (byte 0xE2) at byte offset 31, line 3; the file mixes encodings (line 2 is UTF-8)"
    )
    try project.expectFailure(
      ["import", "reports", mixed, "--encoding", "utf-8"], status: 65,
      message: "\(mixed):3: error: invalid UTF-8 (byte 0xE2)")
  }

  /// An encoding error near the end is reported before the problems of
  /// rows read earlier.
  ///
  /// The encoding survey goes on while the rows are read and stored, so
  /// other problems may be met before it reaches the bad byte: a ragged
  /// row, a quote never closed, a case id another source has. The encoding
  /// error is still the one reported, as when the whole file was surveyed
  /// first, and the database is as it was.
  @Test func anEncodingErrorNearTheEndComesFirst() throws {
    let project = try Project()
    defer { project.directory.remove() }
    // Past the survey's first read (64 KiB), so that the rows are read
    // before the survey reaches the bad byte.
    let rows = (1...4_000).map { "L\($0),строка \($0) про вены\n" }.joined()
    let tail = Array("X9,".utf8) + [0xE2, 0xE5, 0xED, 0xE0, 0x0A]
    let badLine = 4_000 + 4
    let problems = [
      ("ragged", "X1,вена,лишнее поле\n"),
      ("quote", "X1,\"never closed\n"),
      // C001 is a case of the samples' source.
      ("conflict", "C001,вена\n"),
    ]
    for (name, row) in problems {
      let file = try project.directory.write(
        "\(name).csv",
        bytes: Array("case_id,request\nX0,вена\n\(row)\(rows)".utf8) + tail)
      try project.expectFailure(
        ["import", "reports", file], status: 65,
        message:
          "\(file):\(badLine): error: invalid UTF-8 (byte 0xE2) at byte offset")
    }
    // Without the bad byte, each problem is reported as itself.
    let clean = try project.directory.write(
      "clean.csv",
      bytes: Array("case_id,request\nX0,вена\nX1,вена,лишнее\n\(rows)".utf8))
    try project.expectFailure(
      ["import", "reports", clean], status: 65,
      message: "\(clean):3: error: ")
    let result = try CommandRunner.qda(
      ["import", "reports", clean], in: project.directory.url)
    #expect(!result.stderr.contains("UTF-8"), "\(result.stderr)")
  }

  @Test func nulByte() throws {
    let project = try Project()
    defer { project.directory.remove() }
    let file = try project.directory.write(
      "nul.csv",
      bytes: Array("case_id,request\nX1,a".utf8) + [0] + Array("b\n".utf8))
    try project.expectFailure(
      ["import", "reports", file], status: 65,
      message: "\(file):2: error: NUL byte in a field")
  }

  @Test func badDates() throws {
    let project = try Project()
    defer { project.directory.remove() }
    let file = try project.csv(
      "dates.csv",
      "case_id,date,request\nX1,2020-13-01,a\nX2,31.02.2020,b\nX3,yesterday,c\n"
    )
    try project.expectFailure(
      ["import", "reports", file], status: 65,
      message: """
        \(file):2: error: invalid date '2020-13-01'; expected YYYY-MM-DD or DD.MM.YYYY
        \(file):3: error: invalid date '31.02.2020'; expected YYYY-MM-DD or DD.MM.YYYY
        \(file):4: error: invalid date 'yesterday'; expected YYYY-MM-DD or DD.MM.YYYY
        """)
  }

  @Test func duplicateIDs() throws {
    let project = try Project()
    defer { project.directory.remove() }
    let file = try project.csv("dup.csv", "case_id,request\nX1,a\nX2,b\nX1,c\n")
    try project.expectFailure(
      ["import", "reports", file], status: 65,
      message: "\(file):4: error: duplicate id 'X1' (first used on line 2)")
    // An id another source already uses is refused too.
    let clash = try project.csv("clash.csv", "case_id,request\nC001,a\n")
    try project.expectFailure(
      ["import", "reports", clash], status: 65,
      message:
        "\(clash):2: error: unit id 'C001' is already used by source 'work-reports'"
    )
  }

  @Test func unknownColumnNames() throws {
    let project = try Project()
    defer { project.directory.remove() }
    try project.expectFailure(
      [
        "import", "reports", Self.samples, "--source", "again",
        "--text-columns", "request,notes",
      ],
      status: 65,
      message:
        "\(Self.samples):1: error: unknown column 'notes' (--text-columns); the header has 'case_id', 'date', 'channel', 'request', 'services'"
    )
    try project.expectFailure(
      [
        "import", "reports", Self.samples, "--source", "again", "--id-column",
        "id",
      ], status: 65,
      message: "\(Self.samples):1: error: unknown column 'id' (--id-column)")
    try project.expectFailure(
      [
        "import", "reports", Self.samples, "--source", "again",
        "--text-columns", "request, services,request",
      ], status: 64,
      message: "--text-columns names 'request' twice.")
  }

  @Test func missingFileAndDirectory() throws {
    let project = try Project()
    defer { project.directory.remove() }
    let missing = project.directory.path("nope.csv")
    try project.expectFailure(
      ["import", "reports", missing], status: 66,
      message: "\(missing): error: no such file")
    try project.expectFailure(
      ["import", "reports", project.directory.url.path], status: 66,
      message: "\(project.directory.url.path): error: is a directory")
    try project.expectFailure(
      ["code", "auto", "--codebook", project.directory.path("none.yml")],
      status: 66,
      message: "none.yml: error: no such codebook file")
  }

  @Test func unwritableAndCorruptDatabase() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let notADirectory = try directory.write("plain.txt", "x")
    let unwritable = notADirectory + "/qda.sqlite"
    let result = try CommandRunner.qda(
      ["import", "reports", Self.samples, "--db", unwritable], in: directory.url
    )
    #expect(result.status == 74)
    #expect(
      result.stderr.contains(
        "\(unwritable): error: cannot open the database for writing"))
    let garbage = Array(repeating: UInt8(0x5A), count: 8192)
    let corrupt = try directory.write("corrupt.sqlite", bytes: garbage)
    for arguments in [
      ["import", "reports", Self.samples, "--db", corrupt],
      ["freq", "--db", corrupt],
      ["code", "auto", "--codebook", Self.codebook, "--db", corrupt],
    ] {
      let result = try CommandRunner.qda(arguments, in: directory.url)
      #expect(result.status == 74, "\(arguments)")
      #expect(
        result.stderr.contains(
          "\(corrupt): error: the file is not a qda database or is corrupt"))
      #expect(FileManager.default.contents(atPath: corrupt) == Data(garbage))
    }
    let missing = try CommandRunner.qda(
      ["freq", "--db", directory.path("none.sqlite")], in: directory.url)
    #expect(missing.status == 66)
    #expect(missing.stderr.contains("none.sqlite: error: no qda database here"))
    #expect(
      !FileManager.default.fileExists(atPath: directory.path("none.sqlite")))
  }

  @Test func brokenCodebook() throws {
    let project = try Project()
    defer { project.directory.remove() }
    let fixtures = TestPaths.package("Tests/qdaTests/Fixtures/codebooks")
    let yaml = fixtures.appendingPathComponent("yaml-syntax.yml").path
    try project.expectFailure(
      ["code", "auto", "--codebook", yaml], status: 65,
      message: "\(yaml):7:1: error: invalid YAML")
    let unknown = fixtures.appendingPathComponent("unknown-field.yml").path
    try project.expectFailure(
      ["code", "auto", "--codebook", unknown], status: 65,
      message: "\(unknown):11:9: error: unknown field 'colour' in a code")
    let lint = try CommandRunner.qda(
      ["codebook", "lint", unknown], in: project.directory.url)
    #expect(lint.status == 65)
    #expect(
      lint.stderr == """
        \(unknown):11:9: error: unknown field 'colour' in a code; expected one of 'counterexamples', 'definition', 'examples', 'exclude', 'id', 'include', 'name', 'rules'
        \(unknown):20:19: error: invalid regular expression '(unclosed' in 'any'
        \(unknown): 2 errors, 0 warnings

        """)
    let gaps = fixtures.appendingPathComponent("duplicates-and-gaps.yml").path
    let gapsLint = try CommandRunner.qda(
      ["codebook", "lint", gaps], in: project.directory.url)
    #expect(gapsLint.status == 65)
    #expect(
      gapsLint.stderr == """
        \(gaps):15:9: error: duplicate code id 't.a'
        \(gaps):23:16: error: code 't.c' has no rules
        \(gaps):24:9: error: a code is missing 'definition'
        \(gaps): 3 errors, 0 warnings

        """)
  }

  @Test func failedFirstCommandLeavesNoDatabase() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let file = try directory.write("dup.csv", "case_id,request\nX1,a\nX1,b\n")
    let result = try CommandRunner.qda(
      ["import", "reports", file], in: directory.url)
    #expect(result.status == 65)
    let left = try FileManager.default.contentsOfDirectory(
      atPath: directory.url.path)
    #expect(left == ["dup.csv"])
  }

  /// A chat that fails late, after its first messages were written, in a
  /// directory without a database: none is left behind.
  @Test func failedFirstTelegramImportLeavesNoDatabase() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let messages = (1...3_000).map {
      #"{"id": \#($0), "type": "message", "date": "2020-01-01T10:00:00", "text": "a"}"#
    }
    let file = try directory.write(
      "result.json",
      #"{"id": 1, "messages": [\#(messages.joined(separator: ",\n")), {"id": 0}"#
    )
    let result = try CommandRunner.qda(
      ["import", "telegram", file], in: directory.url)
    #expect(result.status == 65)
    #expect(
      result.stderr.contains("result.json:3000: error: the file ends early"),
      "\(result.stderr)")
    let left = try FileManager.default.contentsOfDirectory(
      atPath: directory.url.path)
    #expect(left == ["result.json"])
  }

  @Test func badUsageIs64() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let result = try CommandRunner.qda(
      ["import", "reports", Self.samples, "--delimiter", "|"], in: directory.url
    )
    #expect(result.status == 64)
    #expect(result.stderr.contains("Unknown delimiter '|'"))
  }

  @Test func badTelegramExports() throws {
    let project = try Project()
    defer { project.directory.remove() }
    func chat(_ messages: String) -> String {
      "{\"name\": \"C\", \"type\": \"personal_chat\", \"id\": 7,\n\"messages\": [\n\(messages)\n]}\n"
    }
    let message =
      #"{"id": 1, "type": "message", "date": "2020-04-01T23:15:02", "text": "a"}"#
    let truncated = try project.csv(
      "truncated.json", chat(message).dropLast(3) + "")
    try project.expectFailure(
      ["import", "telegram", truncated], status: 65,
      message: "\(truncated):4: error: the file ends early; expected ',' or ']'"
    )
    let duplicate = try project.csv(
      "duplicate.json", chat(message + ",\n" + message))
    try project.expectFailure(
      ["import", "telegram", duplicate], status: 65,
      message:
        "\(duplicate):4: error: duplicate id 'telegram-7:1' (first used on line 3)"
    )
    // The error comes after the good messages were read: nothing of them stays.
    let late = try project.csv(
      "late.json", chat(message + ",\n" + #"{"id": 2, "type": "message"}"#))
    try project.expectFailure(
      ["import", "telegram", late], status: 65,
      message: "\(late):4: error: message 2 has no date")
    let account = try project.csv(
      "account.json", #"{"about": "", "chats": {"list": []}}"#)
    try project.expectFailure(
      ["import", "telegram", account], status: 65,
      message: "\(account):1: error: a whole-account export")
    try project.expectFailure(
      ["import", "telegram", project.directory.path("none.json")], status: 66,
      message: "none.json")
    // An empty field name is bad usage.
    let good = try project.csv("good.json", chat(message))
    try project.expectFailure(
      ["import", "telegram", good, "--text-field", " "], status: 64,
      message: "--text-field needs a name")
  }
}
