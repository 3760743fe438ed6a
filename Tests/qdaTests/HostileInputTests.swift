import Foundation
import QDATestSupport
import Testing

/// Malformed and hostile inputs for every importer: each gets its exit
/// status and a message naming the problem, never a crash, a stack trace or
/// a source path, and a failed command leaves the database as it was.
@Suite struct HostileInputTests {
  /// One input: the files it needs, the command, and what must come of it.
  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var arguments: [String]
    var status: Int32
    var message: String
    var files: @Sendable (TemporaryDirectory) throws -> Void

    var testDescription: String { name }
  }

  static let header = "case_id,date,channel,request,services\n"
  static let hostile = TestPaths.package("Tests/qdaTests/Fixtures/hostile")

  static func csv(_ name: String, _ text: String)
    -> @Sendable (TemporaryDirectory) throws
    -> Void
  {
    { directory in _ = try directory.write(name, text) }
  }

  static func bytes(_ name: String, _ bytes: [UInt8])
    -> @Sendable (TemporaryDirectory) throws
    -> Void
  {
    { directory in _ = try directory.write(name, bytes: bytes) }
  }

  static func fixture(_ name: String)
    -> @Sendable (TemporaryDirectory) throws -> Void
  {
    { directory in
      try FileManager.default.copyItem(
        at: hostile.appendingPathComponent(name),
        to: directory.url.appendingPathComponent(name))
    }
  }

  static func codebook(_ name: String, _ text: String) -> Case {
    Case(
      name: "codebook: \(name)",
      arguments: ["code", "auto", "--codebook", "c.yml"],
      status: 65, message: "c.yml:", files: csv("c.yml", text))
  }

  /// Random-looking bytes, the same every run.
  static func noise(_ count: Int, seed: UInt64) -> [UInt8] {
    var state = seed
    return (0..<count).map { _ in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return UInt8(truncatingIfNeeded: state >> 33)
    }
  }

  static let cases: [Case] = [
    // Work-report CSV.
    Case(
      name: "a 64 MB field", arguments: ["import", "reports", "f.csv"],
      status: 65,
      message: "f.csv:2: error: a field is larger than 1024 KiB",
      files: csv(
        "f.csv",
        header + "X1,2020-01-01,chat,\""
          + String(repeating: "a", count: 64 << 20) + "\",ok\n")),
    Case(
      name: "a 2 MB line without quotes",
      arguments: ["import", "reports", "f.csv"],
      status: 65, message: "f.csv:2: error: a field is larger than 1024 KiB",
      files: csv(
        "f.csv",
        header + "X1,2020-01-01,chat," + String(repeating: "b", count: 2 << 20)
          + ",ok\n")),
    Case(
      name: "a million columns", arguments: ["import", "reports", "f.csv"],
      status: 65,
      message: "'c18', 'c19' and 999980 more",
      files: csv(
        "f.csv",
        (0..<1_000_000).map { "c\($0)" }.joined(separator: ",") + "\n"
          + String(repeating: "1,", count: 999_999) + "1\n")),
    Case(
      name: "invalid UTF-8 inside a quoted field",
      arguments: ["import", "reports", "f.csv", "--encoding", "utf-8"],
      status: 65, message: "f.csv:2: error: invalid UTF-8 (byte 0xFF)",
      files: bytes(
        "f.csv",
        Array(header.utf8) + Array("X1,2020-01-01,chat,\"abc ".utf8) + [
          0xFF, 0xFE,
        ] + Array(" def\",ok\n".utf8))),
    Case(
      name: "UTF-8 and Windows-1251 lines in one file",
      arguments: ["import", "reports", "f.csv"],
      status: 65, message: "the file mixes encodings",
      files: bytes(
        "f.csv",
        Array((header + "X1,2020-01-01,chat,привет,ok\n").utf8)
          + Array("X2,2020-01-01,chat,".utf8) + [
            0xEF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2,
          ] + Array(",ok\n".utf8))),
    Case(
      name: "a NUL byte", arguments: ["import", "reports", "f.csv"], status: 65,
      message: "f.csv:2: error: NUL byte",
      files: bytes(
        "f.csv",
        Array(header.utf8) + Array("X1,2020-01-01,chat,a".utf8) + [0]
          + Array("b,ok\n".utf8))),
    Case(
      name: "UTF-16", arguments: ["import", "reports", "f.csv"], status: 65,
      message: "f.csv:1: error: NUL byte",
      files: bytes(
        "f.csv",
        [0xFF, 0xFE]
          + header.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })),
    Case(
      name: "a byte-order mark only",
      arguments: ["import", "reports", "f.csv"], status: 65,
      message: "f.csv:1: error: the file is empty",
      files: bytes("f.csv", [0xEF, 0xBB, 0xBF])),
    Case(
      name: "an unterminated quote before CRLF",
      arguments: ["import", "reports", "f.csv"],
      status: 65, message: "f.csv:2: error: unterminated quoted field",
      files: csv("f.csv", header + "X1,2020-01-01,chat,\"never closed\r\n")),
    Case(
      name: "100,001 quotes", arguments: ["import", "reports", "f.csv"],
      status: 65,
      message: "f.csv:2: error: unterminated quoted field",
      files: csv(
        "f.csv",
        header + "X1,2020-01-01,chat," + String(repeating: "\"", count: 100_001)
          + ",ok\n")),
    Case(
      name: "a duplicate id after 20,000 rows",
      arguments: ["import", "reports", "f.csv"],
      status: 65,
      message: "f.csv:20002: error: duplicate id 'Y5' (first used on line 7)",
      files: csv(
        "f.csv",
        header + (0..<20_000).map { "Y\($0),2020-01-01,chat,t,s\n" }.joined()
          + "Y5,2020-01-01,chat,again,s\n")),
    Case(
      name: "random bytes", arguments: ["import", "reports", "f.csv"],
      status: 65,
      message: "f.csv:", files: bytes("f.csv", noise(100_000, seed: 7))),
    Case(
      name: "an empty id", arguments: ["import", "reports", "f.csv"],
      status: 65,
      message: "f.csv:2: error: empty id in column 'case_id'",
      files: csv("f.csv", header + ",2020-01-01,chat,t,s\n")),
    Case(
      name: "30 February", arguments: ["import", "reports", "f.csv"],
      status: 65,
      message: "f.csv:2: error: invalid date '2020-02-30'",
      files: csv("f.csv", header + "X1,2020-02-30,chat,t,s\n")),
    Case(
      name: "a date of 100,000 digits",
      arguments: ["import", "reports", "f.csv"], status: 65,
      message: "9…'; expected YYYY-MM-DD or DD.MM.YYYY",
      files: csv(
        "f.csv",
        header + "X1," + String(repeating: "9", count: 100_000) + ",chat,t,s\n")
    ),
    Case(
      name: "a column named twice", arguments: ["import", "reports", "f.csv"],
      status: 65,
      message: "f.csv:1: error: the header names column 'case_id' twice",
      files: csv("f.csv", "case_id,case_id,request\nX1,X2,t\n")),
    Case(
      name: "no id column", arguments: ["import", "reports", "f.csv"],
      status: 65,
      message: "f.csv:1: error: unknown column 'case_id'",
      files: csv("f.csv", "request,services\nt,s\n")),
    Case(
      name: "a row with 10,000 extra fields",
      arguments: ["import", "reports", "f.csv"],
      status: 65, message: "f.csv:2: error:",
      files: csv(
        "f.csv",
        header + "X1,2020-01-01,chat,t,s"
          + String(repeating: ",x", count: 10_000) + "\n")),
    Case(
      name: "a SQL-looking column name as --text-columns",
      arguments: [
        "import", "reports", "f.csv", "--text-columns",
        "request'); DROP TABLE unit; --",
      ],
      status: 65, message: "unknown column 'request'); DROP TABLE unit; --'",
      files: csv("f.csv", header + "X1,2020-01-01,chat,t,s\n")),
    Case(
      name: "a directory for a file", arguments: ["import", "reports", "d"],
      status: 66,
      message: "d",
      files: { directory in
        try FileManager.default.createDirectory(
          at: directory.url.appendingPathComponent("d"),
          withIntermediateDirectories: true)
      }),
    Case(
      name: "a missing file", arguments: ["import", "reports", "absent.csv"],
      status: 66,
      message: "absent.csv", files: { _ in }),

    // Transcripts.
    Case(
      name: "a transcript of 100,000 speakers",
      arguments: ["import", "transcript", "t.txt"],
      status: 0, message: "and 99980 more",
      files: csv(
        "t.txt", (0..<100_000).map { "S\($0): hello \($0)\n" }.joined())),
    Case(
      name: "50,000 nested cue tags",
      arguments: ["import", "transcript", "t.vtt"], status: 0,
      message: "speakers: A (participant)",
      files: csv(
        "t.vtt",
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v A>"
          + String(repeating: "<b>", count: 50_000)
          + "deep" + String(repeating: "</b>", count: 50_000) + "\n")),
    Case(
      name: "a WebVTT file of random bytes",
      arguments: ["import", "transcript", "t.vtt"],
      status: 65, message: "t.vtt:",
      files: bytes("t.vtt", Array("WEBVTT\n\n".utf8) + noise(3_000, seed: 11))),
    Case(
      name: "an SRT timestamp of 100 million hours",
      arguments: ["import", "transcript", "t.srt"],
      status: 0, message: "speakers: A (participant)",
      files: csv(
        "t.srt", "1\n99999999:00:00,000 --> 99999999:00:01,000\nA: x\n")),
    Case(
      name: "an empty transcript",
      arguments: ["import", "transcript", "t.txt"], status: 65,
      message: "t.txt:", files: csv("t.txt", "")),
    Case(
      name: "front matter nested 10,000 deep",
      arguments: ["import", "transcript", "t.md"],
      status: 65, message: "t.md:",
      files: csv(
        "t.md",
        "---\nroles: " + String(repeating: "[", count: 10_000)
          + String(repeating: "]", count: 10_000)
          + "\n---\nA: hello\n")),
    Case(
      name: "an alias bomb in front matter",
      arguments: ["import", "transcript", "t.md"],
      status: 0, message: "speakers: A (participant)",
      files: { directory in
        let bomb = try String(
          contentsOf: hostile.appendingPathComponent("alias-bomb.yml"),
          encoding: .utf8)
        _ = try directory.write("t.md", "---\n" + bomb + "---\nA: hello\n")
      }),

    // Codebooks.
    Case(
      name: "codebook: an alias bomb",
      arguments: ["code", "auto", "--codebook", "alias-bomb.yml"],
      status: 65, message: "alias-bomb.yml:1:1: error:",
      files: fixture("alias-bomb.yml")),
    codebook(
      "10,000-deep nesting",
      "id: x\ntitle: " + String(repeating: "[", count: 10_000)
        + String(repeating: "]", count: 10_000) + "\n"),
    codebook(
      "2,000 nested mappings",
      (0..<2_000).map { String(repeating: " ", count: $0) + "k\($0):\n" }
        .joined()),
    codebook(
      "random bytes", String(decoding: noise(5_000, seed: 3), as: UTF8.self)),
    codebook("nothing", ""),
    codebook(
      "an invalid regular expression",
      """
      id: x
      title: T
      version: 1
      themes:
        - id: t
          name: T
          definition: D.
          codes:
            - id: c
              name: C
              definition: D.
              rules:
                - id: r
                  any: ["/(unclosed/"]

      """),
    codebook("a tab-indented document", "id: x\n\ttitle: T\n"),

    // REFI-QDA projects.
    Case(
      name: "a .qdpx whose entries escape the folder",
      arguments: ["import", "qdpx", "zipslip.qdpx"],
      status: 0, message: "imported 'x': 0 sources",
      files: fixture("zipslip.qdpx")),
    Case(
      name: "a zip bomb", arguments: ["import", "qdpx", "bomb.qdpx"],
      status: 65,
      message: "'sources/big.txt' would take 300 MiB decompressed",
      files: fixture("bomb.qdpx")),
    Case(
      name: "a .qdpx whose deflate data is corrupt (it hung the reader)",
      arguments: ["import", "qdpx", "corrupt-deflate.qdpx"], status: 65,
      message: "'project.qde' does not decompress",
      files: fixture("corrupt-deflate.qdpx")),
    Case(
      name: "XML with an external entity",
      arguments: ["import", "qdpx", "xxe.qdpx"], status: 65,
      message: "project.qde declares a document type",
      files: fixture("xxe.qdpx")),
    Case(
      name:
        "project.qde with bytes that are not UTF-8 (they trapped XMLParser)",
      arguments: ["import", "qdpx", "invalid-utf8-xml.qdpx"], status: 65,
      message: "project.qde is not UTF-8",
      files: fixture("invalid-utf8-xml.qdpx")),
    Case(
      name: "billion laughs", arguments: ["import", "qdpx", "lol.qdpx"],
      status: 65,
      message: "project.qde declares a document type",
      files: fixture("lol.qdpx")),
    Case(
      name: "not a ZIP archive", arguments: ["import", "qdpx", "notzip.qdpx"],
      status: 65,
      message: "not a ZIP archive", files: fixture("notzip.qdpx")),
    Case(
      name: "an archive without project.qde",
      arguments: ["import", "qdpx", "noproject.qdpx"],
      status: 65, message: "no project.qde inside",
      files: fixture("noproject.qdpx")),
    Case(
      name: "XML nested 20,000 deep",
      arguments: ["import", "qdpx", "deepxml.qdpx"], status: 65,
      message: "project.qde nests elements deeper than 256 levels",
      files: fixture("deepxml.qdpx")),

    // Manual codings.
    Case(
      name: "codings of random bytes",
      arguments: ["code", "import", "k.csv", "--coder", "kim"],
      status: 65, message: "k.csv:",
      files: bytes("k.csv", noise(20_000, seed: 5))),
    Case(
      name: "a coding of an unknown unit",
      arguments: ["code", "import", "k.csv", "--coder", "kim"],
      status: 65, message: "k.csv:2: error:",
      files: csv("k.csv", "unit,code\nNOPE,hybrid.overdose\n")),
  ]

  @Test(arguments: cases) func hostileInput(_ input: Case) throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let samples = TestPaths.package("Samples/work-reports.csv").path
    let codebook = TestPaths.package("Codebooks/web-outreach.yml").path
    #expect(
      try CommandRunner.qda(["import", "reports", samples], in: directory.url)
        .status == 0)
    #expect(
      try CommandRunner.qda(
        ["code", "auto", "--codebook", codebook], in: directory.url
      ).status
        == 0)
    try input.files(directory)
    let database = directory.path("qda.sqlite")
    func snapshot() -> [Data?] {
      ["", "-wal", "-shm"].map {
        FileManager.default.contents(atPath: database + $0)
      }
    }
    let before = snapshot()
    let result = try CommandRunner.qda(input.arguments, in: directory.url)
    #expect(result.status == input.status, "\(result.stderr.prefix(500))")
    let message =
      input.status == 0 ? result.stdout + result.stderr : result.stderr
    #expect(message.contains(input.message), "\(message.prefix(500))")
    for trace in [
      "Fatal error", "Backtrac", "Stack dump", ".swift:", "/Sources/",
      "Signal ",
    ] {
      #expect(!result.stderr.contains(trace), "\(result.stderr.prefix(500))")
    }
    #expect(
      result.stderr.utf8.count < 10_000,
      "a message of \(result.stderr.utf8.count) bytes")
    if input.status != 0 {
      #expect(snapshot() == before, "the database changed")
    }
    // Nothing was written outside the project's folder.
    let parent = directory.url.deletingLastPathComponent()
    for name in ["evil.txt", "evil2.txt"] {
      #expect(
        !FileManager.default.fileExists(
          atPath: parent.appendingPathComponent(name).path))
      #expect(!FileManager.default.fileExists(atPath: directory.path(name)))
    }
    #expect(!result.stdout.contains("root:"), "a local file was read")
  }

  @Test func theTableHasFortyInputs() { #expect(Self.cases.count >= 40) }

  /// Column names from a CSV header become attribute names, which reach SQL
  /// only as bound parameters.
  @Test func attributeNamesThatLookLikeSQLAreData() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let evil = "x'); DROP TABLE unit; --"
    let data = try directory.write(
      "f.csv",
      "case_id,date,\"\(evil.replacingOccurrences(of: "\"", with: "\"\""))\",request\n"
        + "X1,2020-01-01,a,need a test\nX2,2020-01-02,b,need a test\n")
    func qda(_ arguments: [String]) throws -> CommandResult {
      try CommandRunner.qda(arguments, in: directory.url)
    }
    #expect(try qda(["import", "reports", data]).status == 0)
    let codebook = TestPaths.package("Codebooks/web-outreach.yml").path
    #expect(try qda(["code", "auto", "--codebook", codebook]).status == 0)
    let freq = try qda(["freq", "--by", evil, "--format", "csv"])
    #expect(freq.status == 0, "\(freq.stderr)")
    #expect(freq.stdout.hasPrefix("code,a,b,total"), "\(freq.stdout)")
    let crosstab = try qda([
      "crosstab", "--rows", "code", "--cols", evil, "--format", "csv",
    ])
    #expect(crosstab.status == 0, "\(crosstab.stderr)")
    let units = try qda(["export", "units", "--format", "csv"])
    #expect(units.stdout.split(separator: "\n").count == 3)
  }
}
