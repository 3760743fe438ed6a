/// Every word and stem that a set of word patterns names, numbered, with a
/// way to find all of them in a text in one pass over its words.
///
/// This is what makes the number of rules nearly free: a text's words are
/// looked up once each — one walk down a byte trie finds a word's stems and
/// the word itself — whatever the number of patterns. The text then carries
/// each word's number (see ``PreparedText``): patterns rule themselves in or
/// out by testing a few bits (``Pattern/bound(to:)``), and match by comparing
/// numbers, never strings.
final class AnchorTable: Sendable {
  /// The words and stems, as a byte trie.
  private let trie: AnchorTrie
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
    self.trie = AnchorTrie(
      words: wordIDs.map { (Array($0.key.text.utf8), $0.value) },
      stems: stemIDs.map { (Array($0.key.text.utf8), $0.value) })
    self.count = Int(next)
  }

  /// The id of an anchor this table was made with.
  func id(of anchor: Pattern.Anchor) -> Int32? {
    switch anchor {
    case .word(let word): return trie.id(ofWord: Array(word.text.utf8))
    case .stem(let stem): return trie.id(ofStem: Array(stem.utf8))
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
          let id = trie.walk(slice) { stem in
            numbers.append(stem)
            anchors.insert(stem)
          }
          if id >= 0 {
            numbers[index] = id
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

/// Words and stems in a byte trie: one walk down a word's UTF-8 bytes from
/// the root finds every stem the word starts with and, if the walk reaches
/// the word's end, the word itself.
///
/// The trie is walked for every word of every text coded, so a step is one
/// load where it can be: an edge is a *link* that carries what the walk
/// needs of the node it leads to (where its edges are, and the stem that
/// ends there), and a node with many edges has a table of 256 links. (With
/// the stem ids and table offsets in arrays of their own, indexed by node,
/// a step was three dependent loads.) Most words of a text leave the trie
/// after a byte or two, so finding whole words here rather than by hashing
/// each word reads most words' bytes only up to where they leave it.
struct AnchorTrie: Sendable {
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
  /// The id of the word that ends at each node with a dense table (in the
  /// order of the tables) and at each other node (in the order of
  /// `sparseStart`), or -1: read once per walk, at the word's last byte.
  private let denseWords: [Int32]
  private let sparseWords: [Int32]
  /// The fewest edges that make a node dense.
  private static let denseEdges = 8

  init(
    words: [(bytes: [UInt8], id: Int32)] = [],
    stems: [(bytes: [UInt8], id: Int32)]
  ) {
    // Built with a list of edges per node (most have one), then laid out
    // flat, node by node.
    var children: [[(byte: UInt8, node: Int32)]] = [[]]
    var stemIDs: [Int32] = [-1]
    var wordIDs: [Int32] = [-1]
    func node(of bytes: [UInt8]) -> Int {
      var node = 0
      for byte in bytes {
        if let edge = children[node].first(where: { $0.byte == byte }) {
          node = Int(edge.node)
        } else {
          children.append([])
          stemIDs.append(-1)
          wordIDs.append(-1)
          children[node].append((byte, Int32(children.count - 1)))
          node = children.count - 1
        }
      }
      return node
    }
    for (bytes, id) in stems { stemIDs[node(of: bytes)] = id }
    for (bytes, id) in words { wordIDs[node(of: bytes)] = id }
    // Where each node's edges will be.
    var places: [Int32] = []
    var denseWords: [Int32] = []
    var sparseWords: [Int32] = []
    for (node, edges) in children.enumerated() {
      if edges.count >= Self.denseEdges {
        places.append(Int32(denseWords.count * 256))
        denseWords.append(wordIDs[node])
      } else {
        places.append(-2 - Int32(sparseWords.count))
        sparseWords.append(wordIDs[node])
      }
    }
    func link(to node: Int32) -> Link {
      Link(stemIDs[Int(node)]) << 32
        | Link(UInt32(bitPattern: places[Int(node)]))
    }
    var dense = [Link](repeating: Self.noLink, count: denseWords.count * 256)
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
        for (byte, target) in edges.sorted(by: { $0.byte < $1.byte }) {
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
    self.denseWords = denseWords
    self.sparseWords = sparseWords
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

  /// The id of the word that ends at the node whose edges are at `place`,
  /// or -1.
  @inline(__always)
  private func word(at place: Int32) -> Int32 {
    place >= 0 ? denseWords[Int(place) >> 8] : sparseWords[Int(-2 - place)]
  }

  /// Calls `body` with the id of every stem that the UTF-8 `word` starts
  /// with, and returns the id of `word` itself, or -1.
  @inline(__always)
  func walk(_ word: UnsafeBufferPointer<UInt8>, stems body: (Int32) -> Void)
    -> Int32
  {
    var place = Int32(truncatingIfNeeded: root)
    for byte in word {
      let link = follow(place, byte)
      if link == Self.noLink { return -1 }
      let stem = Int32(truncatingIfNeeded: link >> 32)
      if stem >= 0 { body(stem) }
      place = Int32(truncatingIfNeeded: link)
    }
    return word.isEmpty ? -1 : self.word(at: place)
  }

  /// Calls `body` with the id of every stem that `word` starts with, and
  /// returns the id of `word` itself, or -1.
  @discardableResult
  func walk(_ word: String, stems body: (Int32) -> Void) -> Int32 {
    var word = word
    return word.withUTF8 { walk($0, stems: body) }
  }

  /// The link to the node the walk along `bytes` ends at, if there is one.
  private func link(to bytes: [UInt8]) -> Link? {
    var link = root
    for byte in bytes {
      link = follow(Int32(truncatingIfNeeded: link), byte)
      if link == Self.noLink { return nil }
    }
    return link
  }

  /// The id of a stem, if the trie holds it.
  func id(ofStem bytes: [UInt8]) -> Int32? {
    guard let link = link(to: bytes) else { return nil }
    let stem = Int32(truncatingIfNeeded: link >> 32)
    return stem >= 0 ? stem : nil
  }

  /// The id of a whole word, if the trie holds it.
  func id(ofWord bytes: [UInt8]) -> Int32? {
    guard !bytes.isEmpty, let link = link(to: bytes) else { return nil }
    let id = word(at: Int32(truncatingIfNeeded: link))
    return id >= 0 ? id : nil
  }
}
