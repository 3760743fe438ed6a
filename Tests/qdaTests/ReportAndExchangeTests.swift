import Foundation
import QDATestSupport
import Testing

/// The thematic report, crosstabs, tallies and REFI-QDA exchange, end to end.
@Suite(.serialized) struct ReportAndExchangeTests {
  static let samples = TestPaths.package("Samples/work-reports.csv").path
  static let interviews = TestPaths.package("Samples/interviews")
  static let codebook = TestPaths.package("Codebooks/web-outreach.yml").path
  static let codings = TestPaths.package("Tests/qdaTests/Fixtures/codings")
  static let golden = TestPaths.package("Tests/qdaTests/Golden/report")

  /// Samples, interviews, auto codings and two human coders.
  func project() throws -> TemporaryDirectory {
    let directory = try TemporaryDirectory()
    for arguments in [
      ["import", "reports", Self.samples],
      ["import", "transcript"]
        + [
          "deputy-director.md", "worker-1.txt", "worker-2.vtt", "worker-3.txt",
        ].map {
          Self.interviews.appendingPathComponent($0).path
        } + ["--role", "Аутрич-работник 2=outreach-worker"],
      ["code", "auto", "--codebook", Self.codebook],
      [
        "code", "import", Self.codings.appendingPathComponent("anna.csv").path,
        "--coder", "anna",
      ],
      [
        "code", "import", Self.codings.appendingPathComponent("boris.csv").path,
        "--coder", "boris",
      ],
    ] {
      let result = try CommandRunner.qda(arguments, in: directory.url)
      #expect(result.status == 0, "\(arguments): \(result.stderr)")
    }
    return directory
  }

  static let outputs: [(name: String, arguments: [String])] = [
    ("report.md", ["report", "--format", "markdown"]),
    ("report.html", ["report", "--format", "html"]),
    (
      "crosstab-channel.txt",
      ["crosstab", "--rows", "code", "--cols", "channel", "--kind", "case"]
    ),
    (
      "crosstab-month.csv",
      ["crosstab", "--cols", "month", "--kind", "case", "--format", "csv"]
    ),
    (
      "crosstab-coder.json",
      [
        "crosstab", "--cols", "coder", "--coders", "auto,anna,boris", "--kind",
        "case", "--format", "json",
      ]
    ),
    (
      "crosstab-role.md",
      ["crosstab", "--cols", "role", "--kind", "turn", "--format", "markdown"]
    ),
    ("cooccur.txt", ["cooccur", "--kind", "case"]),
    ("cooccur.csv", ["cooccur", "--format", "csv"]),
    ("cooccur.json", ["cooccur", "--kind", "turn", "--format", "json"]),
    ("cooccur.md", ["cooccur", "--kind", "case", "--format", "markdown"]),
    ("tallies.csv", ["export", "tallies", "--format", "csv"]),
    ("codebook.qdc", ["export", "qdc"]),
  ]

  @Test func outputsMatchGoldenFilesAndRerunsAreByteIdentical() throws {
    let first = try project()
    defer { first.remove() }
    let second = try project()
    defer { second.remove() }
    for output in Self.outputs {
      let a = try CommandRunner.qda(output.arguments, in: first.url)
      let b = try CommandRunner.qda(output.arguments, in: second.url)
      #expect(a.status == 0, "\(output.arguments): \(a.stderr)")
      #expect(a.stdout == b.stdout, "\(output.name) differs between runs")
      if let failure = Golden.check(
        a.stdout, named: output.name, in: Self.golden)
      {
        Issue.record(Comment(rawValue: failure))
      }
    }
    let qdpxA = first.path("a.qdpx")
    let qdpxB = second.path("a.qdpx")
    #expect(
      try CommandRunner.qda(
        ["export", "qdpx", "--output", qdpxA], in: first.url
      ).status == 0)
    #expect(
      try CommandRunner.qda(
        ["export", "qdpx", "--output", qdpxB], in: second.url
      ).status == 0)
    #expect(
      FileManager.default.contents(atPath: qdpxA)
        == FileManager.default.contents(atPath: qdpxB))
  }

  @Test func htmlReportIsSelfContained() throws {
    let directory = try project()
    defer { directory.remove() }
    let html = try CommandRunner.qda(["report"], in: directory.url).stdout
    #expect(html.hasPrefix("<!DOCTYPE html>"))
    for forbidden in [
      "<script", "http://", "https://", " src=", "<link", "@import", "url(",
    ] {
      #expect(!html.contains(forbidden), "the report refers to '\(forbidden)'")
    }
    #expect(html.contains("<svg role=\"img\""))
    #expect(html.contains("<desc id=\"chart-months-desc\">"))
    #expect(html.contains("nearly a third") || html.contains("about a third"))
    #expect(html.contains("only four cases"))
    #expect(html.contains("3 of 4 informants"))
  }

  @Test func participantTextIsEscapedInHTMLAndXML() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let csv = try directory.write(
      "cases.csv",
      "case_id,date,channel,request,services\n"
        + "X1,2020-04-01,\"<b>chat</b> & co\",\"Abscess <script>alert(\"\"x\"\")</script> & more 'quotes'\",Sent the doctor's contact.\n"
        + "X2,2020-04-02,chat,Veins collapsed again,Vein care memo\n")
    for arguments in [
      ["import", "reports", csv],
      ["code", "auto", "--codebook", Self.codebook],
      [
        "code", "add", "X1", "hybrid.overdose", "--coder", "eve", "--memo",
        "<script>evil()</script> & \"x\"",
      ],
    ] {
      let result = try CommandRunner.qda(arguments, in: directory.url)
      #expect(result.status == 0, "\(arguments): \(result.stderr)")
    }
    let html = try CommandRunner.qda(["report"], in: directory.url).stdout
    #expect(!html.contains("<script"))
    #expect(
      html.contains(
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more &#39;quotes&#39;"
      ))
    let markdown = try CommandRunner.qda(
      ["report", "--format", "markdown"], in: directory.url
    ).stdout
    #expect(!markdown.contains("<script"))
    let qdpx = directory.path("p.qdpx")
    #expect(
      try CommandRunner.qda(
        ["export", "qdpx", "--output", qdpx], in: directory.url
      ).status == 0)
    let unzip = try CommandRunner.run(
      URL(fileURLWithPath: "/usr/bin/unzip"), ["-p", qdpx, "project.qde"],
      in: directory.url)
    let xml = unzip.stdout
    #expect(unzip.status == 0)
    #expect(!xml.contains("<script"))
    #expect(
      xml.contains("&lt;script&gt;evil()&lt;/script&gt; &amp; &quot;x&quot;"))
    #expect(
      xml.contains("<TextValue>&lt;b&gt;chat&lt;/b&gt; &amp; co</TextValue>"))
  }

  @Test func qdpxRoundTripKeepsCodesAndCodingsPerCoder() throws {
    let directory = try project()
    defer { directory.remove() }
    let qdpx = directory.path("study.qdpx")
    #expect(
      try CommandRunner.qda(
        ["export", "qdpx", "--output", qdpx], in: directory.url
      ).status == 0)
    let imported = try CommandRunner.qda(
      ["import", "qdpx", qdpx, "--db", directory.path("copy.sqlite")],
      in: directory.url)
    #expect(imported.status == 0, "\(imported.stderr)")
    func triples(_ database: String) throws -> [String] {
      let csv = try CommandRunner.qda(
        ["export", "codings", "--format", "json", "--db", database],
        in: directory.url)
      let rows =
        try JSONSerialization.jsonObject(with: Data(csv.stdout.utf8))
        as? [[String: Any]] ?? []
      return rows.map {
        "\($0["unit"] ?? "")|\($0["code"] ?? "")|\($0["coder"] ?? "")"
      }.sorted()
    }
    let original = try triples(directory.path("qda.sqlite"))
    #expect(original.count > 400)
    #expect(try triples(directory.path("copy.sqlite")) == original)
    let codes = try CommandRunner.qda(
      [
        "freq", "--zeros", "--format", "csv", "--db",
        directory.path("copy.sqlite"),
      ], in: directory.url)
    // A header and 19 codes.
    #expect(codes.stdout.split(separator: "\n").count == 20)
  }

  /// Every unit's id, source, kind, speaker, role, date, texts, fields and
  /// attributes, as `export units` gives them: all but a turn's times.
  func unitFacts(_ database: String, in directory: TemporaryDirectory) throws
    -> [String]
  {
    let result = try CommandRunner.qda(
      ["export", "units", "--format", "json", "--db", database],
      in: directory.url)
    #expect(result.status == 0, "\(result.stderr)")
    let rows =
      try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
      as? [[String: Any]] ?? []
    return rows.map { row in
      row.keys.filter { !["start", "end"].contains($0) }.sorted()
        .map { "\($0)=\(row[$0].map { "\($0)" } ?? "")" }
        .joined(separator: "|")
    }
  }

  @Test func qdpxRoundTripKeepsUnitsFieldsAndSpans() throws {
    let directory = try project()
    defer { directory.remove() }
    let chat = TestPaths.package("Samples/telegram/outreach-chat.json").path
    let telegram = try CommandRunner.qda(
      ["import", "telegram", chat], in: directory.url)
    #expect(telegram.status == 0, "\(telegram.stderr)")
    // The chat's messages coded too: by their hour and media, with no span.
    let coded = try CommandRunner.qda(
      ["code", "auto", "--codebook", Self.codebook], in: directory.url)
    #expect(coded.status == 0, "\(coded.stderr)")
    let qdpx = directory.path("study.qdpx")
    #expect(
      try CommandRunner.qda(
        ["export", "qdpx", "--output", qdpx], in: directory.url
      ).status == 0)
    let copy = directory.path("copy.sqlite")
    let imported = try CommandRunner.qda(
      ["import", "qdpx", qdpx, "--db", copy], in: directory.url)
    #expect(imported.status == 0, "\(imported.stderr)")

    let original = try unitFacts(directory.path("qda.sqlite"), in: directory)
    #expect(original.count == 301 + 172 + 12)
    #expect(original.contains { $0.contains("|request=Client writes") })
    #expect(try unitFacts(copy, in: directory) == original)
    // Every coding with its field, span and memo (the rule that made an
    // auto coding does not travel).
    func codings(_ database: String, coder: String? = nil) throws -> [String] {
      let result = try CommandRunner.qda(
        ["export", "codings", "--format", "csv", "--db", database]
          + (coder.map { ["--coder", $0] } ?? []), in: directory.url)
      #expect(result.status == 0, "\(result.stderr)")
      return result.stdout.split(separator: "\n").map { line in
        let columns = line.split(
          separator: ",", omittingEmptySubsequences: false)
        return
          (coder == nil
          ? Array(columns.prefix(3)) + columns.dropFirst(5) : columns)
          .joined(separator: ",")
      }.sorted()
    }
    let originalCodings = try codings(directory.path("qda.sqlite"))
    #expect(originalCodings.count > 500)
    #expect(
      originalCodings.contains(
        "telegram-4242:5,challenge.voice-messages,auto,,,,"))
    #expect(try codings(copy) == originalCodings)
    // What the facts are for: tables by month, attribute and role, and
    // interviewer turns left uncoded by a recoding.
    for arguments in [
      ["freq", "--by", "month", "--format", "csv"],
      ["crosstab", "--cols", "channel", "--kind", "case", "--format", "csv"],
      ["crosstab", "--cols", "role", "--kind", "turn", "--format", "csv"],
      ["freq", "--by", "hour", "--kind", "message", "--format", "csv"],
    ] {
      let before = try CommandRunner.qda(arguments, in: directory.url)
      let after = try CommandRunner.qda(
        arguments + ["--db", copy], in: directory.url)
      #expect(before.status == 0, "\(arguments): \(before.stderr)")
      #expect(after.stdout == before.stdout, "\(arguments)")
    }
    // The rules code the copy again as they coded the original: requests
    // and services apart, the interviewer's turns not at all.
    let recode = try CommandRunner.qda(
      ["code", "auto", "--force", "--codebook", Self.codebook, "--db", copy],
      in: directory.url)
    #expect(recode.status == 0, "\(recode.stderr)")
    let autoCodings = try codings(directory.path("qda.sqlite"), coder: "auto")
    #expect(autoCodings.count > 350)
    #expect(try codings(copy, coder: "auto") == autoCodings)
  }

  @Test func exampleProjectFromTheSharedCorpusImports() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let example = TestPaths.shared.appendingPathComponent(
      "refi-qda/examples/minimal-project"
    ).path
    let result = try CommandRunner.qda(
      ["import", "qdpx", example], in: directory.url)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stderr.contains("1 source, 1 unit, 2 codes, 1 coding by alice"))
    let codings = try CommandRunner.qda(
      ["export", "codings", "--format", "csv"], in: directory.url)
    #expect(
      codings.stdout.contains("case-0001:1,needs-met.fully-online,alice,,"))
    let units = try CommandRunner.qda(
      ["export", "units", "--format", "json"], in: directory.url)
    #expect(units.stdout.contains("Клиент: всё сделали онлайн."))
    // The case's date variable dates the unit of the source it refers to.
    #expect(units.stdout.contains("\"date\": \"2024-03-01\""))
    let broken = try directory.write("broken.qdpx", "not a zip")
    let failed = try CommandRunner.qda(
      ["import", "qdpx", broken], in: directory.url)
    #expect(failed.status == 65)
    #expect(
      failed.stderr.contains("broken.qdpx: error: not a REFI-QDA project"))
  }

  @Test(
    .enabled(
      if: FileManager.default.isExecutableFile(atPath: "/usr/bin/xmllint")))
  func exportsValidateAgainstTheREFISchemas() throws {
    let directory = try project()
    defer { directory.remove() }
    // A chat too: its messages are cases, its source has a description.
    let chat = TestPaths.package("Samples/telegram/outreach-chat.json").path
    #expect(
      try CommandRunner.qda(["import", "telegram", chat], in: directory.url)
        .status == 0)
    let schemas = TestPaths.shared.appendingPathComponent("refi-qda")
    let qdc = directory.path("codebook.qdc")
    #expect(
      try CommandRunner.qda(
        ["export", "qdc", "--output", qdc], in: directory.url
      ).status == 0)
    let codebook = try CommandRunner.run(
      URL(fileURLWithPath: "/usr/bin/xmllint"),
      [
        "--noout", "--schema",
        schemas.appendingPathComponent("Codebook.xsd").path, qdc,
      ], in: directory.url)
    #expect(codebook.status == 0, "\(codebook.stderr)")
    let qdpx = directory.path("study.qdpx")
    #expect(
      try CommandRunner.qda(
        ["export", "qdpx", "--output", qdpx], in: directory.url
      ).status == 0)
    let unzip = try CommandRunner.run(
      URL(fileURLWithPath: "/usr/bin/unzip"),
      ["-o", "-q", qdpx, "-d", directory.path("qdpx")], in: directory.url)
    #expect(unzip.status == 0)
    let project = try CommandRunner.run(
      URL(fileURLWithPath: "/usr/bin/xmllint"),
      [
        "--noout", "--schema",
        schemas.appendingPathComponent("Project-mrt2019.xsd").path,
        directory.path("qdpx/project.qde"),
      ],
      in: directory.url)
    #expect(project.status == 0, "\(project.stderr)")
  }
}
