import Foundation
import QDATestSupport
import Testing

/// `qda run`, `qda check` and `qda diff` on a copy of the sample project.
@Suite(.serialized) struct ProjectTests {
  /// A temporary copy of `Samples/` and `Codebooks/`, results included.
  func copyOfSamples() throws -> TemporaryDirectory {
    let directory = try TemporaryDirectory()
    for folder in ["Samples", "Codebooks"] {
      try FileManager.default.copyItem(
        at: TestPaths.package(folder),
        to: directory.url.appendingPathComponent(folder))
    }
    return directory
  }

  func qda(_ arguments: [String], _ directory: TemporaryDirectory) throws
    -> CommandResult
  {
    try CommandRunner.qda(arguments, in: directory.url)
  }

  func modificationDates(_ folder: URL) throws -> [String: Date] {
    var dates: [String: Date] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: folder.path)
    {
      let attributes = try FileManager.default.attributesOfItem(
        atPath: folder.appendingPathComponent(name).path)
      dates[name] = attributes[.modificationDate] as? Date
    }
    return dates
  }

  @Test func committedSampleResultsAreCurrent() throws {
    let directory = try copyOfSamples()
    defer { directory.remove() }
    let check = try qda(["check", "Samples/qda.yml"], directory)
    #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
  }

  /// A project of the sample chat: imported with its text field and
  /// roles, coded, counted by hour; a second run changes nothing.
  @Test func aProjectOfATelegramChat() throws {
    let directory = try copyOfSamples()
    defer { directory.remove() }
    _ = try directory.write(
      "Samples/chat.yml",
      """
      database: ../out/chat.sqlite
      codebook: ../Codebooks/web-outreach.yml
      sources:
        - telegram: telegram/*.json
          name: group
          text_field: request
          roles:
            Outreach worker 1: outreach-worker
      outputs:
        - type: freq
          by: hour
          kind: message
          format: csv
          path: results-chat/freq-hour.csv
        - type: units
          format: csv
          path: results-chat/units.csv
      gates:
        must_occur: [hybrid.overdose]

      """)
    try FileManager.default.createDirectory(
      at: directory.url.appendingPathComponent("Samples/results-chat"),
      withIntermediateDirectories: true)
    let first = try qda(["run", "Samples/chat.yml"], directory)
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stderr.contains("import 1 changed sources, re-code"))
    let byHour = try String(
      contentsOfFile: directory.path("Samples/results-chat/freq-hour.csv"),
      encoding: .utf8)
    #expect(byHour.hasPrefix("code,01,02,08,09,10,11,12,22,23,total\n"))
    #expect(byHour.contains("\nhybrid.overdose,0,0,0,0,0,0,0,1,0,1\n"))
    let units = try String(
      contentsOfFile: directory.path("Samples/results-chat/units.csv"),
      encoding: .utf8)
    #expect(units.contains("\ngroup:2,group,message,Outreach worker 1,"))
    let second = try qda(["run", "Samples/chat.yml"], directory)
    #expect(second.status == 0, "\(second.stderr)")
    #expect(
      second.stderr.contains("import 0 changed sources"), "\(second.stderr)")
    let check = try qda(["check", "Samples/chat.yml"], directory)
    #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
  }

  @Test func secondRunWritesNothingAndOutputsAreByteIdentical() throws {
    let directory = try copyOfSamples()
    defer { directory.remove() }
    let results = directory.url.appendingPathComponent("Samples/results")
    let committed = try FileManager.default.contentsOfDirectory(
      atPath: results.path
    ).sorted().map {
      (
        $0,
        FileManager.default.contents(
          atPath: results.appendingPathComponent($0).path)
      )
    }
    let first = try qda(["run", "Samples/qda.yml"], directory)
    #expect(first.status == 0, "\(first.stderr)")
    #expect(
      first.stderr.contains("write 0 of 10 outputs"),
      "committed results must be current: \(first.stderr)")
    let dates = try modificationDates(results)
    let database = directory.path("out/samples.sqlite")
    let databaseBytes = FileManager.default.contents(atPath: database)
    let second = try qda(["run", "Samples/qda.yml"], directory)
    #expect(second.status == 0)
    #expect(
      second.stderr.contains(
        "import 0 changed sources, no re-coding, update 0 coders, write 0 of 10 outputs"
      ))
    #expect(try modificationDates(results) == dates)
    #expect(FileManager.default.contents(atPath: database) == databaseBytes)
    for (name, bytes) in committed {
      #expect(
        FileManager.default.contents(
          atPath: results.appendingPathComponent(name).path) == bytes, "\(name)"
      )
    }
    let dry = try qda(["run", "Samples/qda.yml", "--dry-run"], directory)
    #expect(dry.stderr.contains("dry run: would import 0 changed sources"))
  }

  /// Makes a change, then expects check to fail naming `stale`, run to fix it, check to pass.
  func expectStaleThenFixed(
    _ directory: TemporaryDirectory, stale: [String],
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let check = try qda(["check", "Samples/qda.yml"], directory)
    #expect(check.status == 1, sourceLocation: sourceLocation)
    for name in stale {
      #expect(
        check.stdout.contains("results/\(name): stale"), "\(check.stdout)",
        sourceLocation: sourceLocation)
    }
    #expect(
      try qda(["run", "Samples/qda.yml"], directory).status == 0,
      sourceLocation: sourceLocation)
    let again = try qda(["check", "Samples/qda.yml"], directory)
    #expect(
      again.status == 0, "\(again.stdout)", sourceLocation: sourceLocation)
  }

  @Test func checkFailsAfterANewCaseUntilRun() throws {
    let directory = try copyOfSamples()
    defer { directory.remove() }
    #expect(try qda(["run", "Samples/qda.yml"], directory).status == 0)
    let csv = directory.url.appendingPathComponent("Samples/work-reports.csv")
    let handle = try FileHandle(forWritingTo: csv)
    try handle.seekToEnd()
    try handle.write(
      contentsOf: Data(
        "C302,2020-06-30,direct message,Asks where the bus is tomorrow.,Sent the schedule.\n"
          .utf8))
    try handle.close()
    try expectStaleThenFixed(
      directory,
      stale: ["freq-code.csv", "freq-month.csv", "tallies.csv", "report.md"])
  }

  @Test func checkFailsAfterACodebookEditUntilRun() throws {
    let directory = try copyOfSamples()
    defer { directory.remove() }
    let codebook = directory.url.appendingPathComponent(
      "Codebooks/web-outreach.yml")
    var text = try String(contentsOf: codebook, encoding: .utf8)
    text = text.replacingOccurrences(
      of: "              - rash|rashes\n", with: "")
    try text.write(to: codebook, atomically: true, encoding: .utf8)
    // The codebook's definitions did not change, so the .qdc stays current.
    try expectStaleThenFixed(
      directory, stale: ["freq-code.csv", "report.html"])
  }

  @Test func checkFailsAfterAManualCodingUntilRun() throws {
    let directory = try copyOfSamples()
    defer { directory.remove() }
    let csv = directory.url.appendingPathComponent("Samples/codings/anna.csv")
    let handle = try FileHandle(forWritingTo: csv)
    try handle.seekToEnd()
    try handle.write(
      contentsOf: Data(
        "C006,online-only.psychological-support,agrees with boris\n".utf8))
    try handle.close()
    try expectStaleThenFixed(directory, stale: ["agreement.csv", "report.md"])
  }

  /// Writes a project with the given gates over the samples (no outputs).
  func gateProject(_ directory: TemporaryDirectory, gates: String) throws
    -> String
  {
    try directory.write(
      "Samples/gates.yml",
      """
      database: ../out/gates.sqlite
      codebook: ../Codebooks/web-outreach.yml
      sources:
        - reports: work-reports.csv
        - transcripts: interviews/worker-1.txt
      coders:
        anna: codings/anna.csv
        boris: codings/boris.csv
      gates:
      \(gates)
      """)
    return "Samples/gates.yml"
  }

  @Test(arguments: [
    (
      "  agreement:\n    - coders: [anna, boris]\n      min_alpha: 0.99",
      "  agreement:\n    - coders: [anna, boris]\n      min_alpha: 0.3",
      "gate agreement anna,boris: online-only.psychological-support alpha 0.3209 is below 0.9900"
    ),
    (
      "  max_uncoded: 0.01", "  max_uncoded: 0.05\n  uncoded_kind: case",
      "gate max_uncoded:"
    ),
    (
      "  must_occur: [challenge.voice-messages]",
      "  must_occur: [challenge.nighttime]",
      "gate must_occur: challenge.voice-messages is applied to no unit"
    ),
  ])
  func gateFailsAndPasses(failing: String, passing: String, message: String)
    throws
  {
    let directory = try copyOfSamples()
    defer { directory.remove() }
    let bad = try qda(
      ["check", try gateProject(directory, gates: failing)], directory)
    #expect(bad.status == 1, "\(bad.stdout)\(bad.stderr)")
    #expect(bad.stdout.contains(message), "\(bad.stdout)")
    let good = try qda(
      ["check", try gateProject(directory, gates: passing)], directory)
    #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
  }

  @Test func diffOfACodebookEditMatchesGoldenFiles() throws {
    let directory = try copyOfSamples()
    defer { directory.remove() }
    #expect(try qda(["run", "Samples/qda.yml"], directory).status == 0)
    let original = directory.url.appendingPathComponent(
      "Codebooks/web-outreach.yml")
    var text = try String(contentsOf: original, encoding: .utf8)
    // The edit: rashes are no longer minor complications; masks no longer COVID-19.
    text = text.replacingOccurrences(
      of: "              - rash|rashes\n", with: "")
    text = text.replacingOccurrences(
      of: "              - mask|masks|restrictions\n",
      with: "              - restrictions\n")
    try text.write(
      to: directory.url.appendingPathComponent("edited.yml"), atomically: true,
      encoding: .utf8)
    let golden = TestPaths.package("Tests/qdaTests/Golden/diff")
    for (name, extra) in [
      ("codebook-edit.txt", [String]()),
      ("codebook-edit-units.csv", ["--units", "--format", "csv"]),
      ("codebook-edit.json", ["--format", "json"]),
    ] {
      let result = try qda(
        [
          "diff", "--codebook", "Codebooks/web-outreach.yml", "--codebook",
          "edited.yml", "--db", "out/samples.sqlite",
        ] + extra,
        directory)
      #expect(result.status == 0, "\(result.stderr)")
      if let failure = Golden.check(result.stdout, named: name, in: golden) {
        Issue.record(Comment(rawValue: failure))
      }
    }
    // Two databases: the samples before and after a run with the edited codebook.
    try FileManager.default.copyItem(
      atPath: directory.path("out/samples.sqlite"),
      toPath: directory.path("old.sqlite"))
    #expect(
      try qda(
        [
          "code", "auto", "--codebook", "edited.yml", "--db",
          "out/samples.sqlite",
        ], directory
      ).status == 0)
    let databases = try qda(
      ["diff", "old.sqlite", "out/samples.sqlite"], directory)
    #expect(databases.status == 0)
    let fromCodebooks = try qda(
      [
        "diff", "--codebook", "Codebooks/web-outreach.yml", "--codebook",
        "edited.yml", "--db", "old.sqlite",
      ], directory)
    #expect(databases.stdout == fromCodebooks.stdout)
  }

  /// Tables of every unit or coding and the project archive are written to
  /// a scratch file as they are read, then compared with the output and
  /// put in its place: the bytes `qda export` writes, unchanged outputs left
  /// alone, a stale one replaced, with an ordinary file's mode.
  @Test func streamedOutputsAreWhatExportWrites() throws {
    let directory = try copyOfSamples()
    defer { directory.remove() }
    let outputs: [(yaml: String, path: String, export: [String])] = [
      (
        "type: units\n    kind: case\n    format: csv",
        "results/units.csv",
        ["export", "units", "--kind", "case", "--format", "csv"]
      ),
      (
        "type: units\n    format: json", "results/units.json",
        ["export", "units", "--format", "json"]
      ),
      (
        "type: codings\n    coder: anna\n    format: json",
        "results/anna.json",
        ["export", "codings", "--coder", "anna", "--format", "json"]
      ),
      (
        "type: codings\n    format: table", "results/codings.txt",
        ["export", "codings", "--format", "table"]
      ),
    ]
    let project = directory.url.appendingPathComponent("Samples/qda.yml")
    var yaml = try String(contentsOf: project, encoding: .utf8)
    yaml = yaml.replacingOccurrences(
      of: "outputs:\n",
      with: "outputs:\n"
        + outputs.map { "  - \($0.yaml)\n    path: \($0.path)\n" }.joined()
        + "  - type: qdpx\n    path: results/project.qdpx\n")
    try yaml.write(to: project, atomically: true, encoding: .utf8)
    let first = try qda(["run", "Samples/qda.yml"], directory)
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stderr.contains("write 5 of 15 outputs"), "\(first.stderr)")
    let database = ["--db", "out/samples.sqlite"]
    let results = directory.url.appendingPathComponent("Samples")
    func written(_ path: String) -> String? {
      FileManager.default.contents(
        atPath: results.appendingPathComponent(path).path
      ).map { String(decoding: $0, as: UTF8.self) }
    }
    for output in outputs {
      let exported = try qda(output.export + database, directory)
      #expect(exported.status == 0, "\(exported.stderr)")
      #expect(exported.stdout.count > 1000)
      #expect(written(output.path) == exported.stdout, "\(output.path)")
    }
    let archive = directory.path("exported.qdpx")
    #expect(
      try qda(["export", "qdpx", "--output", archive] + database, directory)
        .status == 0)
    #expect(
      FileManager.default.contents(atPath: archive)
        == FileManager.default.contents(
          atPath: results.appendingPathComponent("results/project.qdpx").path))
    let mask = umask(0)
    umask(mask)
    let mode =
      try FileManager.default.attributesOfItem(
        atPath: results.appendingPathComponent("results/units.csv").path
      )[.posixPermissions] as? Int
    #expect(mode == Int(0o666 & ~mask))

    // Unchanged: nothing written. A stale table: replaced.
    let second = try qda(["run", "Samples/qda.yml"], directory)
    #expect(second.stderr.contains("write 0 of 15 outputs"), "\(second.stderr)")
    let units = results.appendingPathComponent("results/units.csv")
    let current = try Data(contentsOf: units)
    try (current.dropLast() + Data("x".utf8)).write(to: units)
    let third = try qda(["run", "Samples/qda.yml"], directory)
    #expect(third.stderr.contains("write 1 of 15 outputs"), "\(third.stderr)")
    #expect(try Data(contentsOf: units) == current)
    // No scratch file is left behind.
    let scratch = try FileManager.default.contentsOfDirectory(
      atPath: FileManager.default.temporaryDirectory.path
    ).filter { $0.hasPrefix("qda-output-") }
    #expect(scratch.isEmpty, "\(scratch)")
  }
}
