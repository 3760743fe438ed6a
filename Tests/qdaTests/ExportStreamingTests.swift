import Foundation
import GRDB
import QDACodebook
import QDAReport
import QDATestSupport
import Testing
import ZIPFoundation

@testable import QDAExchange
@testable import QDAStore

/// `export units` and `export codings` write rows as they read them: in
/// every format, the output must be byte for byte the whole export rendered.
@Suite(.serialized) struct ExportStreamingTests {
  static let samples = TestPaths.package("Samples/work-reports.csv").path
  static let interviews = TestPaths.package("Samples/interviews")
  static let codebook = TestPaths.package("Codebooks/web-outreach.yml").path

  /// Runs `body` with a project of reports and interviews (turns with
  /// roles and times, fields named `text`), auto-coded, with a person's
  /// codings whose memos need quoting, and its database opened.
  func withProject(_ body: (TemporaryDirectory, Store) throws -> Void) throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let memos = directory.path("memos.csv")
    try #"""
    unit,code,memo
    C001,online-only.minor-complications,"veins, ""again"""
    C003,hybrid.overdose,"line one
    line two"

    """#.write(toFile: memos, atomically: true, encoding: .utf8)
    for arguments in [
      ["import", "reports", Self.samples],
      [
        "import", "transcript",
        Self.interviews.appendingPathComponent("worker-2.vtt").path,
      ],
      [
        "import", "transcript",
        Self.interviews.appendingPathComponent("deputy-director.md").path,
      ],
      ["code", "auto", "--codebook", Self.codebook],
      ["code", "import", memos, "--coder", "anna"],
    ] {
      let result = try CommandRunner.qda(arguments, in: directory.url)
      #expect(result.status == 0, "\(arguments): \(result.stderr)")
    }
    let store = try Store.open(
      path: directory.path("qda.sqlite"), create: false)
    defer { store.close() }
    try body(directory, store)
  }

  @Test func streamedExportsAreTheWholeExportsRendered() throws {
    try withProject { directory, store in
      let scopes: [(arguments: [String], filter: UnitFilter)] = [
        ([], UnitFilter()),
        (["--source", "worker-2"], UnitFilter(sources: ["worker-2"])),
        (["--kind", "case"], UnitFilter(kinds: ["case"])),
      ]
      for (arguments, filter) in scopes {
        let units = UnitExport(units: try store.exportedUnits(filter))
        let codings = CodingExport(
          codings: try store.exportedCodings(coder: nil, filter: filter))
        #expect(!units.units.isEmpty && !codings.codings.isEmpty)
        for format in OutputFormat.allCases {
          let options = ["--format", format.rawValue] + arguments
          let unitOutput = try CommandRunner.qda(
            ["export", "units"] + options, in: directory.url)
          #expect(unitOutput.status == 0, "\(unitOutput.stderr)")
          #expect(unitOutput.stdout == format.render(units), "units \(options)")
          let codingOutput = try CommandRunner.qda(
            ["export", "codings"] + options, in: directory.url)
          #expect(codingOutput.status == 0, "\(codingOutput.stderr)")
          #expect(
            codingOutput.stdout == format.render(codings), "codings \(options)")
        }
      }
    }
  }

  /// `uncoded` streams too: the units in scope less those with codings
  /// (by anyone, or by one coder), rendered whole.
  @Test func uncodedIsTheUnitsLessTheCodedOnes() throws {
    try withProject { directory, store in
      let all = try store.exportedUnits(UnitFilter())
      for coder in [nil, "anna", "auto"] as [String?] {
        let coded = Set(
          try store.exportedCodings(
            coder: coder.map { .coder($0) }, filter: UnitFilter()
          ).map(\.unit))
        let expected = UnitExport(units: all.filter { !coded.contains($0.id) })
        #expect(!expected.units.isEmpty)
        #expect(expected.units.count < all.count)
        for format in OutputFormat.allCases {
          let arguments =
            ["uncoded", "--format", format.rawValue]
            + (coder.map { ["--coder", $0] } ?? [])
          let result = try CommandRunner.qda(arguments, in: directory.url)
          #expect(result.status == 0, "\(result.stderr)")
          #expect(result.stdout == format.render(expected), "\(arguments)")
        }
      }
    }
  }

  /// The merged cursors give each unit exactly its own texts and
  /// attributes, as looking them up one unit at a time does.
  @Test func eachUnitGetsItsOwnTextsAndAttributes() throws {
    try withProject { directory, store in
      var shape: ExportedUnitShape?
      var units: [ExportedUnit] = []
      try store.exportUnits(
        UnitFilter(), shape: { shape = $0 },
        body: { _, unit in units.append(unit) })
      let reader = try DatabaseQueue(path: directory.path("qda.sqlite"))
      defer { try? reader.close() }
      try reader.read { db in
        #expect(
          units.map(\.id)
            == (try String.fetchAll(
              db,
              sql:
                "SELECT u.id FROM unit u JOIN source s ON s.id = u.sourceId ORDER BY s.id, u.ordinal"
            )))
        for unit in units {
          let texts = try Row.fetchAll(
            db,
            sql:
              "SELECT field, text FROM unitText WHERE unitId = ? ORDER BY position",
            arguments: [unit.id])
          #expect(unit.texts.map(\.name) == texts.map { $0[0] as String })
          #expect(unit.texts.map(\.value) == texts.map { $0[1] as String })
          let attributes = try Row.fetchAll(
            db,
            sql:
              "SELECT name, value FROM unitAttribute WHERE unitId = ? ORDER BY position",
            arguments: [unit.id])
          #expect(
            unit.attributes.map(\.name) == attributes.map { $0[0] as String })
          #expect(
            unit.attributes.map(\.value) == attributes.map { $0[1] as String })
        }
      }
      #expect(shape == UnitExport(units: units).shape)
      #expect(shape?.hasTurns == true)
      #expect(shape?.attributes.contains("channel") == true)
    }
  }

  /// `export qdpx` writes the project part by part to scratch files as it
  /// reads the units and their codings: the archive holds what rendering
  /// the whole project at once gives, whatever the size of the parts.
  @Test func qdpxWrittenPartByPartIsTheWholeProjectRendered() throws {
    try withProject { directory, store in
      let codebook = try Codebook.load(path: Self.codebook)
      let known = Set(codebook.codes.map(\.qualifiedID))
      // Expected: every source rendered whole, and each coding's selection
      // in it.
      let units = try store.exportedUnits(.init())
      var sourceNames: [String] = []
      var unitsBySource: [String: [ExportedUnit]] = [:]
      for unit in units {
        if unitsBySource[unit.source] == nil { sourceNames.append(unit.source) }
        unitsBySource[unit.source, default: []].append(unit)
      }
      // Fields are labelled in the sources whose units have more than `text`.
      let profiles = try store.sourceUnitProfiles()
      #expect(profiles["work-reports"]?.fields == ["request", "services"])
      let rendered = sourceNames.map { name in
        REFIProject.render(
          source: name, units: unitsBySource[name] ?? [],
          labelsFields: profiles[name]?.fields != ["text"])
      }
      let sourceOfUnit = Dictionary(
        uniqueKeysWithValues: units.map { ($0.id, $0.source) })
      let codings = try store.exportedCodings(coder: nil, filter: .init())
        .filter { known.contains($0.code) }
      let expectedSelections = rendered.flatMap { source in
        codings.filter { sourceOfUnit[$0.unit] == source.name }.map { coding in
          let range = REFIProject.selection(of: coding, in: source)
          return [
            source.name, coding.unit, "\(range?.lowerBound ?? -1)",
            "\(range?.upperBound ?? -1)", REFIProject.userGUID(coding.coder),
            REFICodebook.guid(code: coding.code), coding.memo ?? "",
          ].joined(separator: " ")
        }
      }
      #expect(expectedSelections.count > 300)
      #expect(codings.contains { $0.memo != nil })
      let expectedCases =
        units.filter { $0.kind == "case" }.map(\.id)
        + sourceNames.filter { name in
          unitsBySource[name]?.first?.kind != "case"
        }
      var archives: [Data] = []
      for chunk in [1, 4096, ScratchFile.chunk] {
        let path = directory.path("project-\(chunk).qdpx")
        try REFIProject.export(
          store: store, codebook: codebook, name: "p", to: path,
          origin: "test", chunk: chunk)
        archives.append(try Data(contentsOf: URL(fileURLWithPath: path)))
        let archive = try Archive(
          url: URL(fileURLWithPath: path), accessMode: .read)
        func entry(_ name: String) throws -> Data {
          guard let entry = archive[name] else { return Data() }
          var data = Data()
          _ = try archive.extract(entry) { data.append($0) }
          return data
        }
        #expect(Array(archive).count == rendered.count + 1)
        for source in rendered {
          #expect(
            String(
              decoding: try entry("sources/\(source.guid).txt"), as: UTF8.self)
              == source.text, "\(source.name)")
        }
        let project = try XMLNode.parse(try entry("project.qde"))
        let selections = (project.first("Sources")?.all("TextSource") ?? [])
          .flatMap { source in
            source.all("PlainTextSelection").map { selection in
              [
                source.attributes["name"] ?? "",
                selection.attributes["name"] ?? "",
                selection.attributes["startPosition"] ?? "",
                selection.attributes["endPosition"] ?? "",
                selection.attributes["creatingUser"] ?? "",
                selection.first("Coding")?.first("CodeRef")?
                  .attributes["targetGUID"] ?? "",
                selection.first("Description")?.text ?? "",
              ].joined(separator: " ")
            }
          }
        #expect(selections == expectedSelections, "chunk \(chunk)")
        let cases = (project.first("Cases")?.all("Case") ?? []).map {
          $0.attributes["name"] ?? ""
        }
        #expect(cases == expectedCases, "chunk \(chunk)")
        let variables = (project.first("Variables")?.all("Variable") ?? []).map
        {
          $0.attributes["name"] ?? ""
        }
        #expect(variables.first == "date")
        #expect(
          Set(variables.dropFirst())
            == Set(units.flatMap { $0.attributes.map(\.name) }))
      }
      #expect(Set(archives).count == 1)
    }
  }
}
