import FuzzSupport
import QDAImport

/// Transcripts: the same bytes read as text (with front matter), WebVTT and
/// SRT.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTranscript(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
  for (format, fileExtension) in [
    (TranscriptFormat.txt, "txt"), (.vtt, "vtt"), (.srt, "srt"),
  ] {
    let path = InputFile.write(start, count, extension: fileExtension)
    _ = try? TranscriptReader.read(path: path, format: format)
  }
  return 0
}
