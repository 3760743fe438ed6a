import Foundation
import GRDB
import QDACodebook
import QDACoding
import QDATestSupport
import Testing

@testable import QDAStore

/// `code auto` with rules that test attributes reads each unit's attributes
/// with it, whichever way the store reads its units, and whether or not the
/// tally counts the same attribute.
@Suite struct AttributeCodingTests {
  static let yaml = """
    id: attributes
    title: Attributes
    version: 1.0.0
    themes:
      - id: t
        name: T
        definition: T.
        codes:
          - id: by-phone
            name: By phone
            definition: Reports that came by phone.
            rules:
              - id: phone
                kinds: [case]
                attributes: {channel: phone}
          - id: odd-by-chat
            name: Odd by chat
            definition: Requests by chat with an odd digit as a word.
            rules:
              - id: odd-chat
                attributes: {channel: chat}
                any: [1|3|5|7|9]
          - id: north
            name: North
            definition: Turns at the northern site.
            rules:
              - id: north
                attributes: {site: north, wave: [1, 2]}
    """

  /// Forty reports, then four turns.
  ///
  /// The reports' ids ascend with their rows (`r-0001`), so that the tally
  /// reads their channel beside them, or not (`r-10` after `r-9`), so that
  /// it counts channels afterwards; a fifth have no channel. The turns' ids
  /// (`s:0`) keep ascending.
  func makeStore(_ directory: TemporaryDirectory, paddedIDs: Bool) throws
    -> Store
  {
    let store = try Store.open(path: directory.path("qda.sqlite"), create: true)
    let reports = (0..<40).map { index in
      UnitDraft(
        id: paddedIDs
          ? "r-" + String(repeating: "0", count: 4 - "\(index)".count)
            + "\(index)" : "r-\(index)",
        kind: "case", date: "2020-0\(1 + index % 3)-01", line: index + 2,
        texts: [("request", "request \(index)"), ("services", "")],
        attributes: index % 5 == 0
          ? [] : [("channel", ["chat", "direct", "phone"][index % 3])],
        contentHash: "r\(index)")
    }
    _ = try store.importSource(
      SourceDraft(
        name: "reports", path: "r.csv", kind: "reports", contentHash: "r",
        settings: ""),
      drafts: reports)
    let turns = [
      ("north", "01"), ("north", "3"), ("south", "1"), (nil, nil),
    ].enumerated().map { index, facts in
      UnitDraft(
        id: "s:\(index)", kind: "turn", speaker: "Bob", role: "participant",
        line: index + 1, texts: [("text", "turn \(index)")],
        attributes: [("site", facts.0), ("wave", facts.1)].compactMap {
          name, value in value.map { (name, $0) }
        },
        contentHash: "i\(index)")
    }
    _ = try store.importSource(
      SourceDraft(
        name: "interview", path: "i.txt", kind: "transcript",
        contentHash: "i", settings: ""),
      drafts: turns)
    return store
  }

  /// What the rules say, from the drafts' own numbering.
  func expected(paddedIDs: Bool) -> [String] {
    var codings: [String] = []
    for index in 0..<40 where index % 5 != 0 {
      let id =
        paddedIDs
        ? "r-" + String(repeating: "0", count: 4 - "\(index)".count)
          + "\(index)"
        : "r-\(index)"
      switch index % 3 {
      case 2: codings.append("\(id) t.by-phone phone - -")
      case 0 where index % 2 == 1 && index < 10:
        // `1|3|5|7|9` are words: "21" is not one of them.
        codings.append("\(id) t.odd-by-chat odd-chat request 8..<9")
      default: break
      }
    }
    codings.append("s:0 t.north north - -")
    return codings.sorted()
  }

  func codings(_ store: Store) throws -> [String] {
    try store.exportedCodings(coder: .coder("auto"), filter: .init()).map {
      coding in
      let span = coding.spanStart.map { "\($0)..<\(coding.spanEnd ?? -1)" }
      return
        "\(coding.unit) \(coding.code) \(coding.rule ?? "-") \(coding.field ?? "-") \(span ?? "-")"
    }.sorted()
  }

  @Test(arguments: [true, false])
  func attributesAreReadWithTheUnitsWhateverTheirOrder(paddedIDs: Bool) throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let store = try makeStore(directory, paddedIDs: paddedIDs)
    defer { store.close() }
    let codebook = try #require(
      Codebook.parse(yaml: Self.yaml, path: "a.yml").0)
    #expect(codebook.attributeNames == ["channel", "site", "wave"])
    let coder = AutoCoder(codebook: codebook, codebookPath: "a.yml")
    let summary = try coder.run(on: store, force: true)
    let expected = expected(paddedIDs: paddedIDs)
    #expect(try codings(store) == expected)
    #expect(summary.total == expected.count)

    // The tally, which counts by channel too, agrees with the codings.
    let byChannel = try store.codedCounts(
      coder: "auto", filter: .init(), grouping: .attribute("channel"))
    let phone = byChannel.first {
      $0.key == "t.by-phone" && $0.group == "phone"
    }
    #expect(phone?.units == expected.filter { $0.contains("by-phone") }.count)

    // Read by the join rather than the two scans: the same codings.
    try store.write { db in
      try db.execute(
        sql: "UPDATE projectState SET value = 'no' WHERE key = ?",
        arguments: [Store.textOrderKey])
    }
    _ = try coder.run(on: store, force: true)
    #expect(try codings(store) == expected)
    let units = try store.storedUnits(attributes: ["wave", "site"])
    #expect(
      units.filter { $0.kind == "turn" }.map {
        $0.attributes.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
      } == ["wave=01 site=north", "wave=3 site=north", "wave=1 site=south", ""])
  }
}
