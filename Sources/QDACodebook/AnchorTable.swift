/// Every word and stem that a set of word patterns names, numbered, with a
/// way to find all of them in a text in one pass over its words.
///
/// This is what makes the number of rules nearly free: a text's words are
/// looked up once each — a hash look-up for whole words, a walk down a byte
/// trie for stems — whatever the number of patterns. The text then carries
/// each word's number (see ``PreparedText``): patterns rule themselves in or
/// out by testing a few bits (``Pattern/bound(to:)``), and match by comparing
/// numbers, never strings.
final class AnchorTable: Sendable {
  /// The id of each whole word.
  private let wordIDs: ByteWordMap
  /// The stems, as a byte trie.
  private let stems: StemTrie
  /// How many anchors there are.
  let count: Int
  /// The length of each anchor's word or stem, in Unicode scalars: longer
  /// words are rarer, which is how a rule picks the words it is looked up
  /// by (see `RuleProgram`).
  let lengths: [Int]

  /// Numbers the words and stems of `patterns`.
  convenience init(patterns: [Pattern]) {
    self.init(anchors: patterns.flatMap(\.anchors))
  }

  /// Numbers `anchors`, in order, each once.
  init(anchors: [Pattern.Anchor]) {
    var wordIDs: [FoldedWord: Int32] = [:]
    var stemIDs: [FoldedWord: Int32] = [:]
    var next: Int32 = 0
    var lengths: [Int] = []
    for anchor in anchors {
      switch anchor {
      case .word(let word) where wordIDs[word] == nil:
        wordIDs[word] = next
        lengths.append(word.text.unicodeScalars.count)
        next += 1
      case .stem(let stem) where stemIDs[FoldedWord(stem)] == nil:
        stemIDs[FoldedWord(stem)] = next
        lengths.append(stem.unicodeScalars.count)
        next += 1
      default: break
      }
    }
    self.lengths = lengths
    self.wordIDs = ByteWordMap(
      wordIDs.map { (Array($0.key.text.utf8), $0.value) })
    self.stems = StemTrie(stemIDs.map { (Array($0.key.text.utf8), $0.value) })
    self.count = Int(next)
  }

  /// The id of an anchor this table was made with.
  func id(of anchor: Pattern.Anchor) -> Int32? {
    switch anchor {
    case .word(let word):
      var text = word.text
      return text.withUTF8 { wordIDs.id(of: $0) }
    case .stem(let stem): return stems.id(ofStem: Array(stem.utf8))
    }
  }

  /// The anchors present in a text.
  func anchors(in text: TextIndex) -> AnchorSet { prepare(text).anchors }

  /// Numbers the words of a text by this table.
  func prepare(_ text: TextIndex) -> PreparedText {
    let wordCount = text.words.count
    var anchors = AnchorSet(table: ObjectIdentifier(self), count: count)
    // Word ids, then where each word's stems start, then the stem ids.
    var numbers: [Int32] = []
    // Room for a stem id per word after the two numbers each word has.
    numbers.reserveCapacity(3 * wordCount + 1)
    numbers.append(contentsOf: repeatElement(-1, count: 2 * wordCount + 1))
    // A text with words has bytes; one without has nothing to number.
    if let bytes = text.bytes.baseAddress {
      text.words.withUnsafeBufferPointer { words in
        for index in words.indices {
          numbers[wordCount + index] = Int32(truncatingIfNeeded: numbers.count)
          guard count > 0 else { continue }
          let slice = UnsafeBufferPointer(
            start: bytes + words[index].byteStart,
            count: words[index].byteEnd - words[index].byteStart)
          if let id = wordIDs.id(of: slice) {
            numbers[index] = id
            anchors.insert(id)
          }
          stems.forEachStem(of: slice) { id in
            numbers.append(id)
            anchors.insert(id)
          }
        }
      }
    }
    numbers[2 * wordCount] = Int32(truncatingIfNeeded: numbers.count)
    return PreparedText(
      table: self, wordCount: wordCount, numbers: numbers, anchors: anchors)
  }
}

/// A text's words numbered by an ``AnchorTable``: what patterns bound to that
/// table match against.
///
/// A class: it passes from pattern to pattern without copying its arrays.
final class PreparedText: Sendable {
  /// The table that numbered the words.
  let table: AnchorTable
  /// How many words the text has.
  let wordCount: Int
  /// For each word, its id or -1; then, for each word and one past the last,
  /// where its stem ids start in this same array; then the stem ids.
  let numbers: [Int32]
  /// Every anchor the text holds.
  let anchors: AnchorSet

  init(table: AnchorTable, wordCount: Int, numbers: [Int32], anchors: AnchorSet)
  {
    self.table = table
    self.wordCount = wordCount
    self.numbers = numbers
    self.anchors = anchors
  }

  /// Whether the prepared text was numbered by `table`.
  @inline(__always)
  func isPrepared(by table: AnchorTable) -> Bool { self.table === table }
}

/// Words as UTF-8 bytes, mapped to ids by open addressing.
///
/// A look-up hashes the bytes it is given, with no `String` made: the words
/// of every unit are looked up here.
struct ByteWordMap: Sendable {
  /// For each slot, the index of its entry, or -1.
  private let slots: [Int32]
  /// Entry `e`'s word is `blob[keyStart[e]..<keyStart[e + 1]]`.
  private let keyStart: [Int]
  private let blob: [UInt8]
  private let ids: [Int32]

  init(_ words: [(bytes: [UInt8], id: Int32)]) {
    var capacity = 8
    while capacity < 2 * words.count { capacity *= 2 }
    var slots = [Int32](repeating: -1, count: capacity)
    var keyStart = [0]
    var blob: [UInt8] = []
    var ids: [Int32] = []
    for (entry, word) in words.enumerated() {
      blob.append(contentsOf: word.bytes)
      keyStart.append(blob.count)
      ids.append(word.id)
      var slot =
        word.bytes.withUnsafeBufferPointer { Self.hash($0) } & (capacity - 1)
      while slots[slot] >= 0 { slot = (slot + 1) & (capacity - 1) }
      slots[slot] = Int32(entry)
    }
    self.slots = slots
    self.keyStart = keyStart
    self.blob = blob
    self.ids = ids
  }

  /// FNV-1a over the bytes.
  @inline(__always)
  static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
    return Int(truncatingIfNeeded: hash ^ (hash >> 32))
  }

  /// The id of the word with these bytes, if the map has it.
  @inline(__always)
  func id(of word: UnsafeBufferPointer<UInt8>) -> Int32? {
    let mask = slots.count - 1
    var slot = Self.hash(word) & mask
    return blob.withUnsafeBufferPointer { blob in
      while true {
        let entry = Int(slots[slot])
        if entry < 0 { return nil }
        let start = keyStart[entry]
        let end = keyStart[entry + 1]
        if end - start == word.count,
          UnsafeBufferPointer(rebasing: blob[start..<end]).elementsEqual(word)
        {
          return ids[entry]
        }
        slot = (slot + 1) & mask
      }
    }
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

  /// The bits of ids `64 * index ..< 64 * (index + 1)`.
  @inline(__always)
  func word(_ index: Int) -> UInt64 { bits[index] }
}

/// Stems in a byte trie: the stems a word starts with are found by walking
/// its UTF-8 bytes from the root once.
///
/// The trie is walked for every word of every text coded, so a step is one
/// load where it can be: an edge is a *link* that carries what the walk
/// needs of the node it leads to (where its edges are, and the stem that
/// ends there), and a node with many edges has a table of 256 links. (With
/// the stem ids and table offsets in arrays of their own, indexed by node,
/// a step was three dependent loads.)
struct StemTrie: Sendable {
  /// An edge's target: the stem ending there and where its edges are.
  ///
  /// The id of the stem that ends at the node (-1: none) is in the
  /// high 32 bits, and in the low 32 the node's edges: the offset of its
  /// 256 links in `dense` (≥ 0) for a node with many edges, else -2 - `k`
  /// for its `k`th place in `sparseStart`. -1 is no link at all.
  private typealias Link = Int64
  private static let noLink: Link = -1
  /// The link to the root.
  private let root: Link
  /// The link tables of the nodes with many edges, 256 links each.
  ///
  /// The nodes after a Cyrillic lead byte have an edge for most letters:
  /// scanning them was most of the time spent finding a text's stems.
  private let dense: [Link]
  /// The edges of the other nodes: node `k`'s are the bytes
  /// `sparseBytes[sparseStart[k]..<sparseStart[k + 1]]`, leading where the
  /// links of the same indices in `sparseLinks` do.
  private let sparseStart: [Int32]
  private let sparseBytes: [UInt8]
  private let sparseLinks: [Link]
  /// The fewest edges that make a node dense.
  private static let denseEdges = 8

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
    // Where each node's edges will be.
    var places: [Int32] = []
    var denseCount = 0
    var sparseCount = 0
    for edges in children {
      if edges.count >= Self.denseEdges {
        places.append(Int32(denseCount * 256))
        denseCount += 1
      } else {
        places.append(-2 - Int32(sparseCount))
        sparseCount += 1
      }
    }
    func link(to node: Int32) -> Link {
      Link(ids[Int(node)]) << 32 | Link(UInt32(bitPattern: places[Int(node)]))
    }
    var dense = [Link](repeating: Self.noLink, count: denseCount * 256)
    var sparseStart: [Int32] = [0]
    var sparseBytes: [UInt8] = []
    var sparseLinks: [Link] = []
    for (node, edges) in children.enumerated() {
      let place = Int(places[node])
      if place >= 0 {
        for (byte, target) in edges {
          dense[place + Int(byte)] = link(to: target)
        }
      } else {
        for (byte, target) in edges.sorted(by: { $0.key < $1.key }) {
          sparseBytes.append(byte)
          sparseLinks.append(link(to: target))
        }
        sparseStart.append(Int32(sparseBytes.count))
      }
    }
    self.root = link(to: 0)
    self.dense = dense
    self.sparseStart = sparseStart
    self.sparseBytes = sparseBytes
    self.sparseLinks = sparseLinks
  }

  /// The link along the edge `byte` from the node whose edges are at
  /// `place`, or ``noLink``.
  @inline(__always)
  private func follow(_ place: Int32, _ byte: UInt8) -> Link {
    if place >= 0 { return dense[Int(place) + Int(byte)] }
    let node = Int(-2 - place)
    var edge = Int(sparseStart[node])
    let end = Int(sparseStart[node + 1])
    while edge < end {
      if sparseBytes[edge] == byte { return sparseLinks[edge] }
      edge += 1
    }
    return Self.noLink
  }

  /// Calls `body` with the id of every stem that `word` starts with.
  func forEachStem(of word: String, _ body: (Int32) -> Void) {
    var word = word
    word.withUTF8 { forEachStem(of: $0, body) }
  }

  /// Calls `body` with the id of every stem that the UTF-8 `word` starts with.
  @inline(__always)
  func forEachStem(of word: UnsafeBufferPointer<UInt8>, _ body: (Int32) -> Void)
  {
    var place = Int32(truncatingIfNeeded: root)
    for byte in word {
      let link = follow(place, byte)
      if link == Self.noLink { return }
      let stem = Int32(truncatingIfNeeded: link >> 32)
      if stem >= 0 { body(stem) }
      place = Int32(truncatingIfNeeded: link)
    }
  }

  /// The id of a stem, if the trie holds it.
  func id(ofStem bytes: [UInt8]) -> Int32? {
    var link = root
    for byte in bytes {
      link = follow(Int32(truncatingIfNeeded: link), byte)
      if link == Self.noLink { return nil }
    }
    let stem = Int32(truncatingIfNeeded: link >> 32)
    return stem >= 0 ? stem : nil
  }
}
