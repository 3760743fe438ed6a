import Foundation
import QDATestSupport
import Testing

@testable import QDAStore

@Suite struct StoreFactsTests {
  func importTurns(_ store: Store) throws {
    // Ids chosen so that id order differs from file order.
    let turns: [(String, String, String)] = [
      ("d:1", "interviewer", "How did you start?"),
      ("d:2", "participant", "Через чат, ночью."),
      ("d:10", "participant", "Then by phone."),
      ("d:3", "interviewer", "And then?"),
      ("d:4", "participant", "Voice messages."),
    ]
    try store.importSource(
      SourceDraft(
        name: "d", path: "d.txt", kind: "transcript", contentHash: "h",
        settings: ""),
      drafts: turns.enumerated().map { index, turn in
        UnitDraft(
          id: turn.0, kind: "turn", role: turn.1, line: index + 1,
          texts: [("text", turn.2)],
          attributes: index == 1
            ? [("site", "north"), ("channel", "chat")] : [],
          contentHash: turn.0)
      })
    _ = try store.replaceAutoCodings(
      codebook: CodebookDraft(
        hash: "h", id: "c", title: "C", version: "1", path: "c.yml",
        codes: [
          .init(id: "t.a", theme: "t", themeName: "T", name: "A"),
          .init(id: "t.b", theme: "t", themeName: "T", name: "B"),
        ])
    ) { unit in
      ["d:2", "d:10", "d:4"].contains(unit.id)
        ? [
          CodingDraft(
            unit: unit.id, code: "t.b", rule: "r", field: "text", span: 0..<1)
        ]
          + (unit.id == "d:2"
            ? [
              CodingDraft(
                unit: unit.id, code: "t.a", rule: "r", field: "text",
                span: 0..<1)
            ]
            : [])
        : []
    }
  }

  @Test func factsMergeUnitsCodingsAndAttributesInIdOrder() throws {
    try withStore { store in
      try importTurns(store)
      var seen: [String] = []
      try store.forEachUnitFacts(coder: "auto") { unit in
        seen.append(
          "\(unit.id) #\(unit.ordinal) \(unit.codes.joined(separator: "+")) "
            + unit.attributes.map { "\($0.name)=\($0.value)@\($0.position)" }
            .joined(separator: ","))
      }
      #expect(
        seen == [
          "d:1 #1  ", "d:10 #3 t.b ",
          "d:2 #2 t.a+t.b channel=chat@1,site=north@0",
          "d:3 #4  ", "d:4 #5 t.b ",
        ])
      var none = 0
      try store.forEachUnitFacts(coder: "nobody") { none += $0.codes.count }
      #expect(none == 0)
    }
  }

  /// Facts are read on a thread of its own through a second connection;
  /// when none can be opened (here the file is gone, though the store's own
  /// connection still reads it), the store's connection reads them.
  @Test func factsAreReadWithoutASecondConnection() throws {
    try withStore { store, path in
      try importTurns(store)
      var before: [String] = []
      try store.forEachUnitFacts(coder: "auto") {
        before.append("\($0.id) \($0.codes)")
      }
      #expect(store.readAside { _, _ in } as Prefetcher<Int>? != nil)
      for suffix in ["", "-wal", "-shm"] {
        try? FileManager.default.removeItem(atPath: path + suffix)
      }
      #expect(store.readAside { _, _ in } as Prefetcher<Int>? == nil)
      var after: [String] = []
      try store.forEachUnitFacts(coder: "auto") {
        after.append("\($0.id) \($0.codes)")
      }
      #expect(before.count == 5)
      #expect(after == before)
    }
  }

  /// A coder's facts hold that coder's codes only, by code id, whoever
  /// else coded the units and whatever order the codes were first used in.
  @Test func factsHoldTheCodesOfOneCoder() throws {
    try withStore { store in
      try importTurns(store)
      try store.addCodings(
        [
          ManualCoding(unit: "d:3", code: "t.b"),
          ManualCoding(unit: "d:4", code: "t.a"),
          ManualCoding(unit: "d:1", code: "t.a"),
          ManualCoding(unit: "d:1", code: "t.b"),
        ], coder: "ann")
      var codes: [String: [String]] = [:]
      for coder in ["auto", "ann"] {
        try store.forEachUnitFacts(coder: coder) { unit in
          codes[coder, default: []].append(
            "\(unit.id) \(unit.codes.joined(separator: "+"))")
        }
      }
      #expect(
        codes["auto"] == ["d:1 ", "d:10 t.b", "d:2 t.a+t.b", "d:3 ", "d:4 t.b"])
      #expect(
        codes["ann"] == ["d:1 t.a+t.b", "d:10 ", "d:2 ", "d:3 t.b", "d:4 t.a"])
    }
  }

  @Test func codedUnitsAreTheFirstByIdInFileOrderWithTheirQuestion() throws {
    try withStore { store in
      try importTurns(store)
      let all = try store.codedUnits(
        code: "t.b", coder: "auto", filter: .init())
      #expect(all.map(\.id) == ["d:2", "d:10", "d:4"])
      #expect(all.map(\.question) == ["How did you start?", nil, "And then?"])
      #expect(all[0].texts.map(\.value) == ["Через чат, ночью."])
      // By id, "d:10" and "d:2" come first.
      let first = try store.codedUnits(
        code: "t.b", coder: "auto", filter: .init(), limit: 2)
      #expect(first.map(\.id) == ["d:2", "d:10"])
    }
  }
}

extension StoreFactsTests {
  /// Units whose rows follow id order are read through the id index, and
  /// units stored in another order are sorted: either way the facts come
  /// in id order, the same for the same units.
  @Test func factsComeInIdOrderWhateverTheOrderOfTheRows() throws {
    let ids = (1...300).map { "C" + String(1000 + $0) }
    var generator = SeededGenerator(seed: 20_261_206)
    var results: [[String]] = []
    for order in [ids, ids.shuffled(using: &generator), ids.reversed()] {
      try withStore { store in
        try importUnits(
          store,
          order.map { id in
            UnitDraft(
              id: id, kind: "case", date: "2020-01-0\(id.count % 9 + 1)",
              texts: [("request", "text of \(id)")],
              attributes: [("channel", id.hasSuffix("7") ? "phone" : "chat")],
              contentHash: id)
          })
        let inOrder = try store.read { try Store.rowsLookInIDOrder($0) }
        #expect(inOrder == (order == ids))
        var facts: [String] = []
        try store.forEachUnitFacts(coder: "auto") { unit in
          facts.append(
            "\(unit.id) \(unit.date ?? "-") "
              + unit.attributes.map { "\($0.name)=\($0.value)" }
              .joined(separator: ","))
        }
        results.append(facts)
      }
    }
    #expect(results[0].count == 300)
    #expect(results[0].map { String($0.prefix(5)) } == ids)
    #expect(results[1] == results[0])
    #expect(results[2] == results[0])
  }
}
