import Foundation
import QDATestSupport
import Testing

/// The four sample interviews, end to end: import, code, count, search, quote.
@Suite(.serialized) struct InterviewTests {
  static let interviews = TestPaths.package("Samples/interviews")
  static let codebook = TestPaths.package("Codebooks/web-outreach.yml").path
  static let golden = TestPaths.package("Tests/qdaTests/Golden/interviews")
  static let files = [
    "deputy-director.md", "worker-1.txt", "worker-2.vtt", "worker-3.txt",
  ]

  /// Imports and codes the interviews in a fresh directory.
  func project() throws -> TemporaryDirectory {
    let directory = try TemporaryDirectory()
    let imported = try CommandRunner.qda(
      ["import", "transcript"]
        + Self.files.map { Self.interviews.appendingPathComponent($0).path }
        + ["--role", "Аутрич-работник 2=outreach-worker"],
      in: directory.url)
    #expect(imported.status == 0, "\(imported.stderr)")
    let coded = try CommandRunner.qda(
      ["code", "auto", "--codebook", Self.codebook], in: directory.url)
    #expect(coded.status == 0, "\(coded.stderr)")
    return directory
  }

  func csvRows(_ text: String) -> [[String]] {
    text.split(separator: "\n").map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map(
        String.init)
    }
  }

  @Test func interviewsHave40To80TurnsAndCoverEveryProcessCode() throws {
    let directory = try project()
    defer { directory.remove() }
    let units = try CommandRunner.qda(
      ["export", "units", "--format", "json"], in: directory.url)
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(units.stdout.utf8))
        as? [[String: Any]])
    let perDocument = Dictionary(
      grouping: json, by: { $0["source"] as? String ?? "" }
    ).mapValues(\.count)
    #expect(perDocument.count == 4)
    for (document, turns) in perDocument {
      #expect((40...80).contains(turns), "\(document): \(turns)")
    }
    let freq = try CommandRunner.qda(
      ["freq", "--zeros", "--format", "csv"], in: directory.url)
    for row in csvRows(freq.stdout).dropFirst()
    where ["stage.", "channel.", "challenge."].contains(where: row[0].hasPrefix)
    {
      #expect(Int(row[1]) ?? 0 > 0, "\(row[0]) is not in the sample interviews")
    }
  }

  @Test func documentLevelCountsOfTheChallenges() throws {
    let directory = try project()
    defer { directory.remove() }
    let freq = try CommandRunner.qda(
      ["freq", "--unit", "document", "--format", "csv", "--kind", "turn"],
      in: directory.url)
    #expect(freq.status == 0)
    let rows = csvRows(freq.stdout)
    #expect(rows.first?.prefix(3) == ["code", "documents", "percent"])
    let counts = Dictionary(
      uniqueKeysWithValues: rows.dropFirst().map { ($0[0], Int($0[1]) ?? -1) })
    // Three of four informants name night-time requests, as in the study.
    #expect(counts["challenge.nighttime"] == 3)
    #expect(counts["challenge.voice-messages"] == 2)
    #expect(counts["challenge.unclear-messages"] == 3)
    #expect(counts["challenge.phone-refusal"] == 2)
  }

  @Test func interviewerTurnsAreNotCoded() throws {
    let directory = try project()
    defer { directory.remove() }
    let byRole = try CommandRunner.qda(
      ["freq", "--by", "role", "--format", "json"], in: directory.url)
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(byRole.stdout.utf8))
        as? [String: Any])
    let rows = try #require(json["rows"] as? [[String: Any]])
    for row in rows {
      let counts = try #require(row["counts"] as? [String: Int])
      #expect(counts["interviewer"] == 0, "\(row["code"] ?? "")")
    }
  }

  static let reports: [(name: String, arguments: [String])] = [
    ("freq-document.txt", ["freq", "--unit", "document"]),
    ("freq-speaker.csv", ["freq", "--by", "speaker", "--format", "csv"]),
    ("freq-role.md", ["freq", "--by", "role", "--format", "markdown"]),
    ("find-chat.txt", ["find", "\"group chat\" OR чат*"]),
    (
      "find-night.json",
      [
        "find", "night* OR ночь* OR ночью", "--code", "challenge.nighttime",
        "--format", "json",
      ]
    ),
    (
      "find-speaker.csv",
      [
        "find", "call* OR number", "--speaker", "Web outreach worker #1",
        "--format", "csv",
      ]
    ),
    (
      "quotes-nighttime.txt", ["quotes", "challenge.nighttime", "--limit", "3"]
    ),
    (
      "quotes-phone-refusal.md",
      ["quotes", "challenge.phone-refusal", "--format", "markdown"]
    ),
    (
      "quotes-group-chat.json",
      ["quotes", "channel.group-chat", "--limit", "4", "--format", "json"]
    ),
  ]

  @Test func reportsMatchGoldenFiles() throws {
    let directory = try project()
    defer { directory.remove() }
    for report in Self.reports {
      let result = try CommandRunner.qda(report.arguments, in: directory.url)
      #expect(result.status == 0, "\(report.arguments): \(result.stderr)")
      if let failure = Golden.check(
        result.stdout, named: report.name, in: Self.golden)
      {
        Issue.record(Comment(rawValue: failure))
      }
    }
  }

  /// `find` writes its lines as it reads them: into `--output` through a
  /// temporary file, so the file is what standard output gets, and a failed
  /// search leaves an old file as it was and no temporary file behind.
  @Test func findWritesAnOutputFileWholeOrNotAtAll() throws {
    let directory = try project()
    defer { directory.remove() }
    for format in ["table", "csv", "json", "markdown"] {
      let query = ["find", "night* OR ночь*", "--format", format]
      let printed = try CommandRunner.qda(query, in: directory.url)
      #expect(printed.status == 0, "\(printed.stderr)")
      #expect(printed.stdout.split(separator: "\n").count > 5)
      let written = try CommandRunner.qda(
        query + ["--output", "found"], in: directory.url)
      #expect(written.status == 0, "\(written.stderr)")
      #expect(
        try String(
          contentsOf: directory.url.appendingPathComponent("found"),
          encoding: .utf8)
          == printed.stdout)
      // The first lines, in every format, across the table's two passes.
      let limited = try CommandRunner.qda(
        query + ["--limit", "3"], in: directory.url)
      let all = try CommandRunner.qda(query, in: directory.url)
      if format == "csv" {
        #expect(
          limited.stdout.split(separator: "\n").count == 4,
          "\(limited.stdout)")
        #expect(all.stdout.hasPrefix(limited.stdout))
      }
      if format == "table" {
        #expect(limited.stdout.split(separator: "\n").count == 5)
      }
    }
    let bad = try CommandRunner.qda(
      ["find", "\"unclosed", "--output", "found"], in: directory.url)
    #expect(bad.status == 64, "\(bad.stderr)")
    #expect(bad.stderr.contains("invalid search query"))
    let markdown = try CommandRunner.qda(
      ["find", "night* OR ночь*", "--format", "markdown"], in: directory.url)
    #expect(
      try String(
        contentsOf: directory.url.appendingPathComponent("found"),
        encoding: .utf8)
        == markdown.stdout)
    // The file gets the mode of any other output file, not mkstemp's 0600.
    let freq = try CommandRunner.qda(
      ["freq", "--output", "counts"], in: directory.url)
    #expect(freq.status == 0, "\(freq.stderr)")
    func mode(_ name: String) throws -> Int? {
      try FileManager.default.attributesOfItem(
        atPath: directory.url.appendingPathComponent(name).path)[
          .posixPermissions] as? Int
    }
    #expect(try mode("found") == mode("counts"))
    let left = try FileManager.default.contentsOfDirectory(
      atPath: directory.url.path)
    #expect(!left.contains { $0.contains(".qda-") }, "\(left)")
  }

  @Test func reimportIsIdempotent() throws {
    let directory = try project()
    defer { directory.remove() }
    let before = try CommandRunner.qda(
      ["export", "codings", "--format", "csv"], in: directory.url)
    let again = try CommandRunner.qda(
      [
        "import", "transcript",
        Self.interviews.appendingPathComponent("worker-1.txt").path,
      ],
      in: directory.url)
    #expect(again.status == 0)
    #expect(
      again.stderr.contains(
        "'worker-1' is unchanged since its last import (46 turns)"))
    let after = try CommandRunner.qda(
      ["export", "codings", "--format", "csv"], in: directory.url)
    #expect(before.stdout == after.stdout)
  }

  @Test func badTranscriptsChangeNothing() throws {
    let directory = try project()
    defer { directory.remove() }
    let database = directory.path("qda.sqlite")
    let snapshot = FileManager.default.contents(atPath: database)
    let cases: [(String, [UInt8], String)] = [
      (
        "notes.txt", Array("Some notes without speakers.\nMore notes.\n".utf8),
        "notes.txt:1: error: no speaker labels"
      ),
      (
        "unsigned.vtt", Array("1\n00:00:01.000 --> 00:00:02.000\nA: hi\n".utf8),
        "unsigned.vtt:1: error: not a WebVTT file"
      ),
      (
        "badtime.vtt",
        Array(
          "WEBVTT\n\n00:00:01.000 --> 00:00:0x.000\nA: hi\n\n00:00:03.000 --> 00:00:04.000\nB: yes?\n"
            .utf8), "badtime.vtt:3: error: malformed cue timing"
      ),
      (
        "badtime.srt", Array("1\n00:00:01,000 --> 00:61:02,000\nA: hi\n".utf8),
        "badtime.srt:2: error: malformed timing"
      ),
      (
        "binary.txt",
        [0x89, 0x50, 0x4E, 0x47, 0x00, 0x0D, 0x0A, 0x1A, 0x0A, 0xFF, 0xD8],
        "binary.txt:1: error:"
      ),
      ("empty.md", [], "empty.md:1: error: the file is empty"),
    ]
    for (name, bytes, message) in cases {
      let path = try directory.write(name, bytes: bytes)
      let result = try CommandRunner.qda(
        ["import", "transcript", path], in: directory.url)
      #expect(result.status == 65, "\(name): \(result.stderr)")
      #expect(result.stderr.contains(message), "\(name): \(result.stderr)")
      #expect(
        FileManager.default.contents(atPath: database) == snapshot,
        "\(name) changed the database")
      #expect(!FileManager.default.fileExists(atPath: database + "-wal"))
    }
  }
}
