import Foundation
import QDAAgreement
import QDATestSupport
import Testing

/// Coding by hand and agreement, end to end through the built `qda`.
@Suite(.serialized) struct AgreementTests {
  static let samples = TestPaths.package("Samples/work-reports.csv").path
  static let codebook = TestPaths.package("Codebooks/web-outreach.yml").path
  static let codings = TestPaths.package("Tests/qdaTests/Fixtures/codings")
  static let golden = TestPaths.package("Tests/qdaTests/Golden/agreement")

  /// The samples, auto-coded, with anna's and boris's codings of the first 80 cases.
  func project() throws -> TemporaryDirectory {
    let directory = try TemporaryDirectory()
    for arguments in [
      ["import", "reports", Self.samples],
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

  static let reports: [(name: String, arguments: [String])] = [
    ("agree-anna-boris.txt", ["agree", "--coders", "anna,boris"]),
    (
      "agree-anna-boris.json",
      ["agree", "--coders", "anna,boris", "--format", "json"]
    ),
    (
      "agree-anna-boris.csv",
      ["agree", "--coders", "anna,boris", "--format", "csv"]
    ),
    (
      "agree-three.md",
      ["agree", "--coders", "auto,anna,boris", "--format", "markdown"]
    ),
    (
      "disagreements-anna-boris.txt",
      ["agree", "--coders", "anna,boris", "--disagreements"]
    ),
    (
      "disagreements-anna-boris.json",
      [
        "agree", "--coders", "anna,boris", "--disagreements", "--format",
        "json",
      ]
    ),
    (
      "agree-auto-anna.csv",
      ["agree", "--coders", "auto,anna", "--format", "csv"]
    ),
    (
      "freq-consensus.csv",
      [
        "freq", "--coder", "consensus", "--coders", "anna,boris", "--format",
        "csv",
      ]
    ),
    (
      "export-consensus.csv",
      [
        "export", "codings", "--coder", "consensus", "--coders", "anna,boris",
        "--format", "csv",
      ]
    ),
    ("code-list-C003.txt", ["code", "list", "C003"]),
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

  @Test func agreeMatchesStatisticsComputedFromTheExports() throws {
    let directory = try project()
    defer { directory.remove() }
    let agree = try CommandRunner.qda(
      ["agree", "--coders", "anna,boris", "--format", "json"], in: directory.url
    )
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(agree.stdout.utf8))
        as? [String: Any])
    #expect(json["units"] as? Int == 301)
    let exported = try CommandRunner.qda(
      ["export", "codings", "--format", "json"], in: directory.url)
    let codings = try #require(
      try JSONSerialization.jsonObject(with: Data(exported.stdout.utf8))
        as? [[String: Any]])
    let units = try CommandRunner.qda(
      ["export", "units", "--format", "json"], in: directory.url)
    let unitIDs = try #require(
      try JSONSerialization.jsonObject(with: Data(units.stdout.utf8))
        as? [[String: Any]]
    )
    .compactMap { $0["unit"] as? String }
    func has(_ coder: String, _ unit: String, _ code: String) -> Bool {
      codings.contains {
        $0["coder"] as? String == coder && $0["unit"] as? String == unit
          && $0["code"] as? String == code
      }
    }
    for row in try #require(json["codes"] as? [[String: Any]]) {
      let code = try #require(row["code"] as? String)
      let a = unitIDs.map { has("anna", $0, code) ? "1" : "0" }
      let b = unitIDs.map { has("boris", $0, code) ? "1" : "0" }
      let kappa = Agreement.cohenKappa(a, b)
      let alpha = Agreement.krippendorffAlpha([
        a.map(Optional.some), b.map(Optional.some),
      ])
      if let kappa {
        #expect(
          abs((row["kappa"] as? Double ?? .nan) - kappa) < 1e-3, "\(code) kappa"
        )
      } else {
        #expect(row["kappa"] is NSNull, "\(code) kappa must be null")
      }
      if let alpha {
        #expect(
          abs((row["alpha"] as? Double ?? .nan) - alpha) < 1e-3, "\(code) alpha"
        )
      } else {
        #expect(row["alpha"] is NSNull, "\(code) alpha must be null")
      }
    }
  }

  @Test func manualCodingRefusesUnknownUnitsAndCodesAndWritesNothing() throws {
    let directory = try project()
    defer { directory.remove() }
    let database = directory.path("qda.sqlite")
    let before = FileManager.default.contents(atPath: database)
    let add = try CommandRunner.qda(
      ["code", "add", "C999", "hybrid.overdose", "--coder", "anna"],
      in: directory.url)
    #expect(add.status == 65)
    #expect(add.stderr.contains("no unit 'C999'"))
    let code = try CommandRunner.qda(
      ["code", "add", "C001", "hybrid.nothing", "--coder", "anna"],
      in: directory.url)
    #expect(code.status == 65)
    #expect(code.stderr.contains("no code 'hybrid.nothing'"))
    let bad = try directory.write(
      "bad.csv",
      "unit,code\nC001,hybrid.overdose\nC998,hybrid.overdose\nC002,theme.none\n"
    )
    let bulk = try CommandRunner.qda(
      ["code", "import", bad, "--coder", "carla"], in: directory.url)
    #expect(bulk.status == 65)
    #expect(
      bulk.stderr.contains("\(bad):3: error: no unit 'C998' in the database"))
    #expect(bulk.stderr.contains("\(bad):4: error: no code 'theme.none'"))
    let remove = try CommandRunner.qda(
      ["code", "remove", "C001", "hybrid.overdose", "--coder", "anna"],
      in: directory.url)
    #expect(remove.status == 65)
    #expect(FileManager.default.contents(atPath: database) == before)
    let reserved = try CommandRunner.qda(
      ["code", "add", "C001", "hybrid.overdose", "--coder", "auto"],
      in: directory.url)
    #expect(reserved.status == 64)
  }

  @Test func addRemoveListAndUncoded() throws {
    let directory = try project()
    defer { directory.remove() }
    #expect(
      try CommandRunner.qda(
        [
          "code", "add", "C090", "hybrid.overdose", "--coder", "carla",
          "--memo", "friend not breathing",
        ], in: directory.url
      ).status == 0)
    let list = try CommandRunner.qda(
      ["code", "list", "C090", "--format", "csv"], in: directory.url)
    #expect(list.stdout.contains("hybrid.overdose,carla,,friend not breathing"))
    let uncoded = try CommandRunner.qda(
      ["uncoded", "--coder", "carla", "--format", "json"], in: directory.url)
    let rows =
      try JSONSerialization.jsonObject(with: Data(uncoded.stdout.utf8))
      as? [[String: Any]]
    #expect(rows?.count == 300)
    #expect(rows?.contains { $0["unit"] as? String == "C090" } == false)
    #expect(
      try CommandRunner.qda(
        ["code", "remove", "C090", "hybrid.overdose", "--coder", "carla"],
        in: directory.url
      ).status == 0)
    let after = try CommandRunner.qda(
      ["code", "list", "C090", "--format", "csv"], in: directory.url)
    #expect(!after.stdout.contains("carla"))
  }

  @Test func reviewSessionSavesEveryAnswerAndResumes() throws {
    let directory = try project()
    defer { directory.remove() }
    // Session 1: accept auto on C001 and add code 2, memo, finish; add 7 on C002, quit.
    let first = try CommandRunner.run(
      URL(fileURLWithPath: "/bin/sh"),
      [
        "-c",
        "printf 'a\\n+2\\nm needs a second look\\nn\\n+7\\nq\\n' | \"$QDA\" code review --coder dana",
      ],
      in: directory.url, environment: ["QDA": TestPaths.qdaExecutable.path])
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stdout.contains("[1/301] C001"))
    #expect(first.stdout.contains("Stopped; the next session resumes at C002."))
    let c001 = try CommandRunner.qda(
      ["code", "list", "C001", "--format", "csv"], in: directory.url)
    #expect(c001.stdout.contains("online-only.minor-complications,dana"))
    #expect(c001.stdout.contains("online-only.hr-information,dana"))
    #expect(c001.stdout.contains("(memo),dana,,needs a second look"))
    let c002 = try CommandRunner.qda(
      ["code", "list", "C002", "--format", "csv"], in: directory.url)
    #expect(c002.stdout.contains("hybrid.severe-complications,dana"))
    // Session 2 resumes at C002 (unfinished), skips it, then stops at end of input.
    let second = try CommandRunner.run(
      URL(fileURLWithPath: "/bin/sh"),
      ["-c", "printf 's\\n-1\\n' | \"$QDA\" code review --coder dana"],
      in: directory.url, environment: ["QDA": TestPaths.qdaExecutable.path])
    #expect(second.status == 0)
    #expect(second.stdout.contains("300 of 301 units left"))
    #expect(second.stdout.contains("[2/301] C002"))
    #expect(second.stdout.contains("Skipped C002."))
    #expect(second.stdout.contains("[3/301] C003"))
    #expect(
      second.stdout.contains("Stopped; the next session resumes at C003."))
  }
}
