import Crypto
import Foundation
import QDAImport
import QDAStore

/// The dates and attributes a REFI-QDA project gives its units.
///
/// A project keeps them as variables: on its cases (a work-report case of
/// qda's is a `Case` named after the unit; an interview in another tool is
/// typically a case referring to its whole source, or to selections of it),
/// and on its text sources. The variable named `date` whose value is a
/// calendar date becomes the unit's date; every other becomes an attribute,
/// named as the variable.
///
/// What a unit's own case says (named after its unit, or referring to a
/// selection within its block) comes before what its source's case or the
/// source itself says; among cases of the same reach, the first in the
/// project gives a variable.
struct REFICases {
  /// Where a selection of a source lies.
  struct Place {
    /// The source's index in the project.
    var source: Int
    /// The selection, in Unicode code points of the source's text.
    var range: Range<Int>
  }

  /// A block by its source's index and its own.
  struct BlockKey: Hashable {
    var source: Int
    var block: Int
  }

  /// A date and attributes, the first of each name kept.
  struct Facts {
    var date: String?
    var attributes: [(name: String, value: String)] = []

    /// Adds a variable's value, unless one of its name is already here.
    mutating func add(variable name: String, value: String) {
      if name.lowercased() == "date", date == nil,
        let parsed = CalendarDate(parsing: String(value.prefix(10)))
      {
        date = parsed.description
        return
      }
      if !attributes.contains(where: { $0.name == name }) {
        attributes.append((name, value))
      }
    }

    /// Adds what `other` gives that this lacks.
    mutating func fill(from other: Facts) {
      if date == nil { date = other.date }
      for attribute in other.attributes
      where !attributes.contains(where: { $0.name == attribute.name }) {
        attributes.append(attribute)
      }
    }
  }

  private var bySource: [Facts]
  private var byBlock: [BlockKey: Facts] = [:]

  /// Reads the variables of `root`'s text sources and cases.
  ///
  /// - Parameters:
  ///   - root: The project's `Project` element.
  ///   - sources: The project's text sources, in order, with their blocks.
  ///   - selections: Where each selection (by lowercased GUID) lies.
  init(
    root: XMLNode, sources: [(node: XMLNode, blocks: [REFIImport.Block])],
    selections: [String: Place]
  ) {
    var names: [String: String] = [:]
    for variable in root.first("Variables")?.all("Variable") ?? [] {
      if let guid = variable.attributes["guid"],
        let name = variable.attributes["name"]
      {
        names[guid.lowercased()] = name
      }
    }
    func values(of node: XMLNode) -> Facts {
      var facts = Facts()
      for value in node.all("VariableValue") {
        guard
          let guid = value.first("VariableRef")?.attributes["targetGUID"],
          let name = names[guid.lowercased()],
          let content = value.children.first(where: {
            $0.name != "VariableRef"
          })
        else { continue }
        let text = content.text.trimmingCharacters(in: .whitespacesAndNewlines)
        if !text.isEmpty { facts.add(variable: name, value: text) }
      }
      return facts
    }

    bySource = sources.map { values(of: $0.node) }
    var sourceByGUID: [String: Int] = [:]
    var blockByUnit: [String: BlockKey] = [:]
    for (index, source) in sources.enumerated() {
      if let guid = source.node.attributes["guid"]?.lowercased(),
        sourceByGUID[guid] == nil
      {
        sourceByGUID[guid] = index
      }
      for (blockIndex, block) in source.blocks.enumerated()
      where block.isQDA && blockByUnit[block.id] == nil {
        blockByUnit[block.id] = BlockKey(source: index, block: blockIndex)
      }
    }
    var caseBySource = [Facts](repeating: Facts(), count: sources.count)
    for node in root.first("Cases")?.all("Case") ?? [] {
      let facts = values(of: node)
      if facts.date == nil, facts.attributes.isEmpty { continue }
      if let name = node.attributes["name"], let key = blockByUnit[name] {
        byBlock[key, default: Facts()].fill(from: facts)
        continue
      }
      for reference in node.all("SelectionRef") {
        guard
          let guid = reference.attributes["targetGUID"]?.lowercased(),
          let place = selections[guid]
        else { continue }
        for blockIndex in REFIImport.blocks(
          overlapping: place.range, in: sources[place.source].blocks)
        {
          byBlock[
            BlockKey(source: place.source, block: blockIndex), default: Facts()
          ].fill(from: facts)
        }
      }
      for reference in node.all("SourceRef") {
        guard
          let guid = reference.attributes["targetGUID"]?.lowercased(),
          let index = sourceByGUID[guid]
        else { continue }
        caseBySource[index].fill(from: facts)
      }
    }
    // A source's cases come before the variables on the source itself.
    for index in bySource.indices {
      var facts = caseBySource[index]
      facts.fill(from: bySource[index])
      bySource[index] = facts
    }
  }

  /// The date and attributes of block `block` of source `source`.
  func facts(source: Int, block: Int) -> Facts {
    var facts = byBlock[BlockKey(source: source, block: block)] ?? Facts()
    facts.fill(from: bySource[source])
    return facts
  }
}

extension REFIImport {
  /// The index of the block where a selection starting at `start` begins:
  /// the one containing it, or starting there; `nil` in a gap between
  /// blocks.
  static func block(startingSelectionAt start: Int, in blocks: [Block]) -> Int?
  {
    let low = firstBlock(endingAfter: start, in: blocks)
    // A block without text (a voice message's) ends where its text would
    // start: a selection of it starts there.
    if low > 0, blocks[low - 1].textStart == start,
      blocks[low - 1].range.upperBound == start
    {
      return low - 1
    }
    if low < blocks.count,
      blocks[low].range.contains(start) || blocks[low].range.lowerBound == start
    {
      return low
    }
    return nil
  }

  /// The indices of the blocks a selection overlaps (the block it starts
  /// in, when it is empty).
  static func blocks(overlapping range: Range<Int>, in blocks: [Block])
    -> [Int]
  {
    if range.isEmpty {
      return block(startingSelectionAt: range.lowerBound, in: blocks).map {
        [$0]
      } ?? []
    }
    var indices: [Int] = []
    var index = firstBlock(endingAfter: range.lowerBound, in: blocks)
    while index < blocks.count,
      blocks[index].range.lowerBound < range.upperBound
    {
      indices.append(index)
      index += 1
    }
    return indices
  }

  /// The index of the first block that ends after `offset` (the count
  /// when none does), by bisection: blocks ascend and do not overlap.
  private static func firstBlock(endingAfter offset: Int, in blocks: [Block])
    -> Int
  {
    var low = 0
    var high = blocks.count
    while low < high {
      let middle = (low + high) / 2
      if blocks[middle].range.upperBound <= offset {
        low = middle + 1
      } else {
        high = middle
      }
    }
    return low
  }

  /// A hash of a block's unit as stored: its id, kind, speaker and role,
  /// date, fields and attributes, each length-prefixed.
  static func contentHash(
    of block: Block, kind: String, role: String?, fields texts: [BlockField],
    facts: REFICases.Facts
  ) -> String {
    var fields = [
      block.id, kind, block.speaker ?? "", role ?? "", facts.date ?? "",
    ]
    for text in texts {
      fields.append(text.name)
      fields.append(text.text)
    }
    for attribute in facts.attributes {
      fields.append(attribute.name)
      fields.append(attribute.value)
    }
    return SHA256.unitHash(of: fields)
  }
}
