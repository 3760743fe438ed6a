import Crypto
import Foundation
import QDATestSupport
import Testing

@testable import QDAImport

/// The encoding survey walks a file a chunk at a time with a fast path for
/// plain ASCII; it must decide exactly as a byte-by-byte walk does, wherever
/// the chunk boundaries fall.
@Suite struct EncodingSurveyTests {
  /// What the survey decides, without the hash: the encoding, the byte
  /// order mark and the size, or the error (with its line and offset).
  enum Decision: Equatable {
    case file(TextEncoding, bom: Bool, bytes: Int)
    case refused(ImportError)
  }

  /// The byte-by-byte walk the survey replaced, kept as the reference.
  func reference(_ bytes: [UInt8], declared: TextEncoding?) -> Decision {
    var line = 1
    var lineHasMultibyte = false
    var lineHasInvalid = false
    var firstUTF8Line: Int?
    var firstInvalid: (offset: Int, line: Int, byte: UInt8)?
    var firstUndefined1251: (offset: Int, line: Int)?
    var pending = 0
    var sequenceStart = 0
    var sequenceLead: UInt8 = 0
    var previousWasCR = false
    func endLine() {
      if lineHasMultibyte && !lineHasInvalid && firstUTF8Line == nil {
        firstUTF8Line = line
      }
      lineHasMultibyte = false
      lineHasInvalid = false
    }
    func markInvalid(at offset: Int, byte: UInt8) {
      lineHasInvalid = true
      if firstInvalid == nil { firstInvalid = (offset, line, byte) }
    }
    for (offset, byte) in bytes.enumerated() {
      if byte == 0x98, firstUndefined1251 == nil {
        firstUndefined1251 = (offset, line)
      }
      if pending > 0 {
        var valid = byte & 0xC0 == 0x80
        if valid, offset == sequenceStart + 1 {
          switch sequenceLead {
          case 0xE0: valid = byte >= 0xA0
          case 0xED: valid = byte <= 0x9F
          case 0xF0: valid = byte >= 0x90
          case 0xF4: valid = byte <= 0x8F
          default: break
          }
        }
        if valid {
          pending -= 1
          if pending == 0 { lineHasMultibyte = true }
          continue
        }
        markInvalid(at: sequenceStart, byte: sequenceLead)
        pending = 0
      }
      switch byte {
      case 0x00...0x7F:
        if byte == 0x0A {
          if !previousWasCR {
            endLine()
            line += 1
          }
        } else if byte == 0x0D {
          endLine()
          line += 1
        }
      case 0xC2...0xDF: pending = 1
      case 0xE0...0xEF: pending = 2
      case 0xF0...0xF4: pending = 3
      default: markInvalid(at: offset, byte: byte)
      }
      if pending > 0 {
        sequenceStart = offset
        sequenceLead = byte
      }
      previousWasCR = byte == 0x0D
    }
    if pending > 0 { markInvalid(at: sequenceStart, byte: sequenceLead) }
    endLine()
    let bom = bytes.starts(with: [0xEF, 0xBB, 0xBF])
    let path = "f.csv"
    func file(_ encoding: TextEncoding) -> Decision {
      .file(encoding, bom: bom && encoding == .utf8, bytes: bytes.count)
    }
    switch declared {
    case .windows1251?:
      if let bad = firstUndefined1251 {
        return .refused(
          .undefinedWindows1251(path: path, line: bad.line, offset: bad.offset))
      }
      return file(.windows1251)
    case .utf8?:
      if let bad = firstInvalid {
        return .refused(
          .invalidUTF8(
            path: path, line: bad.line, offset: bad.offset, byte: bad.byte,
            utf8Line: nil))
      }
      return file(.utf8)
    case nil:
      guard let bad = firstInvalid else { return file(.utf8) }
      if bom || firstUTF8Line != nil {
        return .refused(
          .invalidUTF8(
            path: path, line: bad.line, offset: bad.offset, byte: bad.byte,
            utf8Line: bom ? 1 : firstUTF8Line))
      }
      if let undefined = firstUndefined1251 {
        return .refused(
          .undefinedWindows1251(
            path: path, line: undefined.line, offset: undefined.offset))
      }
      return file(.windows1251)
    }
  }

  func survey(_ bytes: [UInt8], declared: TextEncoding?, chunkSize: Int)
    throws -> (Decision, hash: String?)
  {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.path("f.csv")
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let stream = try ByteStream(path: path, chunkSize: chunkSize)
    do {
      let survey = try EncodingDetector.survey(
        stream, path: "f.csv", declared: declared)
      return (
        .file(
          survey.encoding, bom: survey.hasByteOrderMark,
          bytes: survey.byteCount), survey.contentHash
      )
    } catch let error as ImportError {
      return (.refused(error), nil)
    }
  }

  /// Pieces that exercise every branch: ASCII, line ends of every kind,
  /// Cyrillic in UTF-8 and Windows-1251, a byte order mark, overlongs,
  /// surrogates, truncated sequences and 0x98.
  let pieces: [[UInt8]] = [
    Array("case,request\n".utf8), Array("плохо".utf8), [0x0D], [0x0A],
    [0x0D, 0x0A], [0xEF, 0xBB, 0xBF], [0xCF, 0xF0, 0xE8], [0x98],
    [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xE0, 0x80, 0x80], [0xF4, 0x90],
    [0xF0, 0x9F, 0x98, 0x80], [0xE2, 0x82], Array("x".utf8), [0x00], [0x7F],
    [0xC3], Array(String(repeating: "a", count: 40).utf8),
    Array("word\r\nline\rend\nx\r".utf8), Array("долго\r".utf8),
    Array("\n\n\r\r\n12345678".utf8),
  ]

  /// A random number (in `count`) of random pieces, one after another.
  func joined(
    _ pieces: [[UInt8]], count: ClosedRange<Int>,
    using generator: inout SeededGenerator
  ) -> [UInt8] {
    (0..<Int.random(in: count, using: &generator)).flatMap { _ in
      pieces.randomElement(using: &generator) ?? []
    }
  }

  @Test func chunkedSurveyDecidesAsTheByteWalkDoes() throws {
    var generator = SeededGenerator(seed: 20_261_121)
    var refusals = 0
    for _ in 0..<400 {
      let bytes = joined(pieces, count: 0...12, using: &generator)
      for declared in [nil, TextEncoding.utf8, .windows1251] {
        let expected = reference(bytes, declared: declared)
        let (whole, hash) = try survey(
          bytes, declared: declared, chunkSize: 1 << 16)
        let (chunked, chunkedHash) = try survey(
          bytes, declared: declared,
          chunkSize: Int.random(in: 1...7, using: &generator))
        #expect(whole == expected, "\(bytes) \(String(describing: declared))")
        #expect(chunked == expected, "\(bytes) \(String(describing: declared))")
        #expect(hash == chunkedHash)
        if case .refused = expected { refusals += 1 }
      }
    }
    // Both outcomes are exercised, not only one.
    #expect(refusals > 100)
    #expect(refusals < 1100)
  }

  /// Valid UTF-8: ASCII runs longer than a word, every kind of line end
  /// (also across word and chunk edges), two-, three- and four-byte
  /// characters.
  let validPieces: [[UInt8]] = [
    Array("case,request,services\n".utf8), Array("плохо".utf8),
    Array("word\r\nline\rend\nx\r".utf8), Array("долго\r".utf8),
    Array("\n\n\r\r\n12345678".utf8), Array("€ 😀".utf8), [0x0D], [0x0A],
    Array(String(repeating: "b", count: 17).utf8), Array("ё\r\n".utf8),
  ]

  /// Long valid runs, where the survey skips ahead eight bytes at a time,
  /// sometimes broken by one bad sequence: the decision, and the line and
  /// offset of the bad byte, are the byte walk's.
  @Test func validRunsAreSkippedAsTheByteWalkReadsThem() throws {
    var generator = SeededGenerator(seed: 20_261_122)
    var refusals = 0
    for round in 0..<300 {
      var bytes = joined(validPieces, count: 1...60, using: &generator)
      if round % 2 == 1 {
        let bad: [[UInt8]] = [
          [0xCF, 0xF0], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xE2, 0x82],
        ]
        let at = Int.random(in: 0...bytes.count, using: &generator)
        bytes.insert(
          contentsOf: bad.randomElement(using: &generator)!, at: at)
      }
      for declared in [nil, TextEncoding.utf8] {
        let expected = reference(bytes, declared: declared)
        for chunkSize in [1 << 16, Int.random(in: 1...40, using: &generator)] {
          let (decision, _) = try survey(
            bytes, declared: declared, chunkSize: chunkSize)
          #expect(decision == expected, "\(bytes) \(chunkSize)")
        }
        if case .refused = expected { refusals += 1 }
      }
    }
    #expect(refusals > 200)
    #expect(refusals < 400)
  }
}

extension EncodingSurveyTests {
  /// A file surveyed by path (hashed on another thread, from its own read
  /// of the file) gets the decision and hash the stream survey gives, and
  /// its hash is the SHA-256 of its bytes, also for files larger than one
  /// chunk of either read.
  @Test func aSurveyByPathHashesAsideToTheSameResult() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    var generator = SeededGenerator(seed: 20_261_122)
    for round in 0..<60 {
      // Now and then past the hashing read's 1 MiB chunk.
      let count = round % 10 == 0 ? 300...400 : 0...12
      var bytes = joined(pieces, count: count, using: &generator)
      if round % 10 == 0 {
        bytes += [UInt8](repeating: 0x61, count: 1 << 20) + bytes
      }
      let path = directory.path("f\(round).csv")
      try Data(bytes).write(to: URL(fileURLWithPath: path))
      for declared in [nil, TextEncoding.utf8, .windows1251] {
        let expected: Decision
        var expectedHash: String?
        do {
          let streamed = try EncodingDetector.survey(
            ByteStream(path: path), path: path, declared: declared)
          expected = .file(
            streamed.encoding, bom: streamed.hasByteOrderMark,
            bytes: streamed.byteCount)
          expectedHash = streamed.contentHash
        } catch let error as ImportError {
          expected = .refused(error)
        }
        do {
          let survey = try EncodingDetector.survey(
            path: path, declared: declared)
          #expect(
            Decision.file(
              survey.encoding, bom: survey.hasByteOrderMark,
              bytes: survey.byteCount) == expected)
          #expect(survey.contentHash == expectedHash)
          #expect(
            survey.contentHash
              == SHA256.hash(data: Data(bytes))
              .map { String(format: "%02x", $0) }.joined())
        } catch let error as ImportError {
          #expect(Decision.refused(error) == expected)
        }
      }
    }
    #expect(throws: ImportError.missingFile(path: directory.path("none.csv"))) {
      try EncodingDetector.survey(path: directory.path("none.csv"))
    }
  }
}

extension EncodingSurveyTests {
  /// The encoding is given as soon as it is certain.
  ///
  /// That is at once when declared, after the line that shows it is UTF-8,
  /// and not before the end when nothing shows it (the result then says).
  /// A file whose bad byte comes after that line is decided UTF-8 first
  /// and refused at the end.
  @Test func theEncodingIsGivenByTheFirstLineThatShowsIt() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let rows = String(repeating: "X2,plain ascii row\n", count: 2_000)
    let bad: [UInt8] = [0x58, 0x33, 0x2C, 0xE2, 0xE5, 0x0A]
    let ascii = Array("case_id\n\(rows)".utf8) + bad
    let russian = Array("case_id,request\nX1,вена\n\(rows)".utf8) + bad
    // Name, bytes, declared encoding, and the encoding given early.
    let cases: [(String, [UInt8], TextEncoding?, TextEncoding?)] = [
      ("russian", russian, nil, .utf8),
      ("bom", [0xEF, 0xBB, 0xBF] + ascii, nil, .utf8),
      ("declared", ascii, .windows1251, .windows1251),
      ("ascii", ascii, nil, nil),
      ("invalid first", bad + Array("X1,вена\n".utf8), nil, nil),
    ]
    for (name, bytes, declared, expected) in cases {
      let path = directory.path("\(name).csv")
      try Data(bytes).write(to: URL(fileURLWithPath: path))
      var decisions: [TextEncoding] = []
      _ = try? EncodingDetector.survey(
        ByteStream(path: path, chunkSize: 512), path: path,
        declared: declared, hashes: false, decided: { decisions.append($0) })
      #expect(decisions == (expected.map { [$0] } ?? []), "\(name)")
    }
  }

  /// A survey made while the file is read ends as the survey by path does
  /// (the byte walk's decision, above), hash included; the encoding it
  /// gives before its end is the one it ends with, unless the file is
  /// refused, and then with the same error.
  @Test func aBackgroundSurveyEndsAsTheSurveyDoes() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    var generator = SeededGenerator(seed: 20_261_206)
    var givenBeforeRefusal = 0
    var refusals = 0
    for round in 0..<150 {
      var bytes: [UInt8]
      if round % 2 == 0 {
        bytes = joined(pieces, count: 0...12, using: &generator)
      } else {
        bytes = joined(validPieces, count: 1...60, using: &generator)
        let bad: [[UInt8]] = [[0xCF, 0xF0], [0xC0, 0x80], [0xE2, 0x82]]
        let at = Int.random(in: 0...bytes.count, using: &generator)
        bytes.insert(contentsOf: bad.randomElement(using: &generator)!, at: at)
      }
      let path = directory.path("f\(round).csv")
      try Data(bytes).write(to: URL(fileURLWithPath: path))
      for declared in [nil, TextEncoding.utf8, .windows1251] {
        let expected: Decision
        do {
          let survey = try EncodingDetector.survey(
            path: path, declared: declared)
          expected = .file(
            survey.encoding, bom: survey.hasByteOrderMark,
            bytes: survey.byteCount)
        } catch let error as ImportError {
          expected = .refused(error)
        }
        let survey = try BackgroundSurvey(path: path, declared: declared)
        let given = Result { try survey.encoding() }
        switch expected {
        case .file(let encoding, _, _):
          #expect(try given.get() == encoding, "\(bytes)")
          let result = try survey.result()
          #expect(
            Decision.file(
              result.encoding, bom: result.hasByteOrderMark,
              bytes: result.byteCount) == expected)
          #expect(
            result.contentHash
              == SHA256.hash(data: Data(bytes))
              .map { String(format: "%02x", $0) }.joined())
        case .refused(let error):
          refusals += 1
          #expect(throws: error) { try survey.result() }
          switch given {
          case .success: givenBeforeRefusal += 1
          case .failure(let thrown): #expect(thrown as? ImportError == error)
          }
        }
      }
    }
    // Both ways to a refusal are exercised.
    #expect(refusals > 50)
    #expect(givenBeforeRefusal > 10)
    #expect(givenBeforeRefusal < refusals)
    #expect(throws: ImportError.missingFile(path: directory.path("none.csv"))) {
      try BackgroundSurvey(path: directory.path("none.csv"), declared: nil)
    }
  }
}
