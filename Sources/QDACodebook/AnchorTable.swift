/// Every word and stem that a codebook's word patterns need, numbered, with
/// a way to find all of them in a text in one pass over its words.
///
/// This is what makes the number of rules nearly free: a text's words are
/// looked up once each — a hash look-up for whole words, a walk down a byte
/// trie for stems — whatever the number of patterns, and each pattern then
/// rules itself in or out by testing a few bits (see ``Pattern/bound(to:)``).
final class AnchorTable: Sendable {
  /// The id of each whole word.
  private let wordIDs: [FoldedWord: Int32]
  /// The stems, as a byte trie.
  private let stems: StemTrie
  /// How many anchors there are.
  let count: Int

  /// Numbers the anchors of `patterns`.
  init(patterns: [Pattern]) {
    var wordIDs: [FoldedWord: Int32] = [:]
    var stemIDs: [FoldedWord: Int32] = [:]
    var next: Int32 = 0
    for pattern in patterns {
      for group in pattern.requirements {
        for anchor in group {
          switch anchor {
          case .word(let word) where wordIDs[word] == nil:
            wordIDs[word] = next
            next += 1
          case .stem(let stem) where stemIDs[FoldedWord(stem)] == nil:
            stemIDs[FoldedWord(stem)] = next
            next += 1
          default: break
          }
        }
      }
    }
    self.wordIDs = wordIDs
    self.stems = StemTrie(stemIDs.map { (Array($0.key.text.utf8), $0.value) })
    self.count = Int(next)
  }

  /// The id of an anchor this table was made with.
  func id(of anchor: Pattern.Anchor) -> Int32? {
    switch anchor {
    case .word(let word): return wordIDs[word]
    case .stem(let stem): return stems.id(ofStem: Array(stem.utf8))
    }
  }

  /// The anchors present in a text.
  func anchors(in text: TextIndex) -> AnchorSet {
    var set = AnchorSet(table: ObjectIdentifier(self), count: count)
    guard count > 0 else { return set }
    for token in text.tokens {
      if let id = wordIDs[FoldedWord(token.text)] { set.insert(id) }
      stems.forEachStem(of: token.text) { set.insert($0) }
    }
    return set
  }
}

/// The anchors of an ``AnchorTable`` that a text contains, as bits.
struct AnchorSet: Sendable {
  /// The table the ids belong to.
  let table: ObjectIdentifier
  private var bits: [UInt64]

  init(table: ObjectIdentifier, count: Int) {
    self.table = table
    bits = [UInt64](repeating: 0, count: (count + 63) / 64)
  }

  @inline(__always)
  mutating func insert(_ id: Int32) {
    bits[Int(id) >> 6] |= 1 << UInt64(id & 63)
  }

  /// Adds the anchors of another set of the same table.
  mutating func formUnion(_ other: AnchorSet) {
    for index in bits.indices { bits[index] |= other.bits[index] }
  }

  /// Calls `body` with every id in the set, in increasing order.
  func forEachID(_ body: (Int32) -> Void) {
    for (index, word) in bits.enumerated() {
      var word = word
      while word != 0 {
        body(Int32(index << 6 + word.trailingZeroBitCount))
        word &= word - 1
      }
    }
  }

  @inline(__always)
  func contains(_ id: Int32) -> Bool {
    bits[Int(id) >> 6] & (1 << UInt64(id & 63)) != 0
  }
}

/// Stems in a byte trie: the stems a word starts with are found by walking
/// its UTF-8 bytes from the root once.
struct StemTrie: Sendable {
  /// For node `n`, its edges are `edgeBytes[edgeStart[n]..<edgeStart[n + 1]]`,
  /// leading to the nodes of the same index in `edgeTargets`.
  private let edgeStart: [Int32]
  private let edgeBytes: [UInt8]
  private let edgeTargets: [Int32]
  /// For each node, the id of the stem that ends there, or -1.
  private let stemID: [Int32]

  init(_ stems: [(bytes: [UInt8], id: Int32)]) {
    // Built with a dictionary per node, then laid out flat, node by node.
    var children: [[UInt8: Int32]] = [[:]]
    var ids: [Int32] = [-1]
    for (bytes, id) in stems {
      var node = 0
      for byte in bytes {
        if let child = children[node][byte] {
          node = Int(child)
        } else {
          children.append([:])
          ids.append(-1)
          children[node][byte] = Int32(children.count - 1)
          node = children.count - 1
        }
      }
      ids[node] = id
    }
    var edgeStart: [Int32] = [0]
    var edgeBytes: [UInt8] = []
    var edgeTargets: [Int32] = []
    for edges in children {
      for (byte, target) in edges.sorted(by: { $0.key < $1.key }) {
        edgeBytes.append(byte)
        edgeTargets.append(target)
      }
      edgeStart.append(Int32(edgeBytes.count))
    }
    self.edgeStart = edgeStart
    self.edgeBytes = edgeBytes
    self.edgeTargets = edgeTargets
    self.stemID = ids
  }

  @inline(__always)
  private func child(of node: Int, _ byte: UInt8) -> Int? {
    var edge = Int(edgeStart[node])
    let end = Int(edgeStart[node + 1])
    while edge < end {
      if edgeBytes[edge] == byte { return Int(edgeTargets[edge]) }
      edge += 1
    }
    return nil
  }

  /// Calls `body` with the id of every stem that `word` starts with.
  @inline(__always)
  func forEachStem(of word: String, _ body: (Int32) -> Void) {
    guard edgeBytes.count > 0 else { return }
    var node = 0
    for byte in word.utf8 {
      guard let next = child(of: node, byte) else { return }
      node = next
      if stemID[node] >= 0 { body(stemID[node]) }
    }
  }

  /// The id of a stem, if the trie holds it.
  func id(ofStem bytes: [UInt8]) -> Int32? {
    var node = 0
    for byte in bytes {
      guard let next = child(of: node, byte) else { return nil }
      node = next
    }
    return stemID[node] >= 0 ? stemID[node] : nil
  }
}
