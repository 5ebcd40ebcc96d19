package io.qwen4j.tokenizer;

import io.qwen4j.tokenizer.BytePairEncoder.IntList;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Qwen's byte-level BPE tokenizer, from a GGUF vocabulary ({@link GgufVocabulary}) or an HF {@code tokenizer.json}
 * ({@link TokenizerJson}), giving the ids HF {@code tokenizers} gives: added tokens are split out first
 * (leftmost-longest, {@link AddedTokens} says which), the remaining text is NFC-normalised (the
 * {@code tokenizer.json} normalizer), pre-tokenized by Qwen's regex ({@link PreTokenizer}) and each piece
 * byte-pair encoded. Immutable and safe to share between threads.
 */
public final class Tokenizer {

    /**
     * Token texts llama.cpp treats as end of generation ({@code llama_vocab::impl::load}, {@code special_eog_ids}),
     * plus the FIM pad/repo/file-separator texts it also adds there. Applied to added (non-NORMAL) tokens only.
     */
    private static final Set<String> EOG_TEXTS = Set.of(
            "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>",
            "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]",
            "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>",
            "<｜end▁of▁sentence｜>", "[e~[",
            // FIM_PAD, FIM_REP, FIM_SEP as detected by text
            "<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]",
            "<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>",
            "<|file_sep|>");

    private final Vocabulary vocabulary;
    private final PreTokenizer preTokenizer;
    private final TokenIndex tokenIndex;
    private final boolean[] control;
    private final byte[][] pieces;
    private final AddedTokenMatcher allAdded;        // CONTROL, USER_DEFINED and UNKNOWN tokens
    private final AddedTokenMatcher nonSpecialAdded; // USER_DEFINED tokens
    private final Set<Integer> endOfGeneration;
    private final BytePairEncoder bpe;
    private final boolean nfc;

    private Tokenizer(Vocabulary v, PreTokenizer preTokenizer, boolean nfc) {
        this.vocabulary = v;
        this.preTokenizer = preTokenizer;
        this.nfc = nfc;
        int n = v.tokens().size();
        tokenIndex = new TokenIndex(v.tokens());
        control = new boolean[n];
        var eog = new LinkedHashSet<Integer>();
        for (int id = 0; id < n; id++) {
            int type = v.tokenTypes()[id];
            control[id] = type == Vocabulary.CONTROL;
            // llama.cpp matches these texts on any token; we skip ordinary (NORMAL, BYTE, UNUSED) ones, since
            // Qwen's vocabulary has "</s>" as a plain BPE token (128247) that text like "<s>x</s>" produces
            boolean added = type == Vocabulary.CONTROL || type == Vocabulary.USER_DEFINED || type == Vocabulary.UNKNOWN;
            if (added && EOG_TEXTS.contains(v.tokens().get(id))) {
                eog.add(id);
                control[id] = true; // llama.cpp overrides such a token's type to CONTROL
            }
        }
        if (v.eosId() >= 0) {
            eog.add(v.eosId());
        }
        if (v.eotId() >= 0) {
            eog.add(v.eotId());
        }
        // llama.cpp: with <|return|> and <|call|> (gpt-oss) or <|calls|> and <|flush|> (solar-open), <|end|> is not EOG
        var eogTexts = eog.stream().map(v.tokens()::get).toList();
        if (eogTexts.contains("<|end|>") && (eogTexts.contains("<|return|>") && eogTexts.contains("<|call|>")
                || eogTexts.contains("<|calls|>") && eogTexts.contains("<|flush|>"))) {
            int end = tokenIndex.find("<|end|>");
            eog.remove(end);
            control[end] = false;
        }
        // llama.cpp: with <|tool_response> (gemma4), </s> is not EOG
        if (eogTexts.contains("<|tool_response>") && eogTexts.contains("</s>")) {
            int s = tokenIndex.find("</s>");
            eog.remove(s);
            control[s] = false;
        }
        endOfGeneration = Collections.unmodifiableSet(eog);

        pieces = new byte[n][];
        var added = new ArrayList<Integer>();
        var nonSpecial = new ArrayList<Integer>();
        for (int id = 0; id < n; id++) {
            String text = v.tokens().get(id);
            int type = v.tokenTypes()[id];
            boolean special = control[id] || type == Vocabulary.USER_DEFINED || type == Vocabulary.UNKNOWN;
            // llama.cpp token_to_piece: special tokens are their text, NORMAL and BYTE tokens are byte-level,
            // anything else (UNUSED) renders as nothing
            pieces[id] = special ? text.getBytes(StandardCharsets.UTF_8)
                    : type == Vocabulary.NORMAL || type == Vocabulary.BYTE ? ByteLevel.decode(text)
                    : new byte[0];
            if (special) {
                added.add(id);
                if (type == Vocabulary.USER_DEFINED) {
                    nonSpecial.add(id);
                }
            }
        }
        allAdded = new AddedTokenMatcher(v.tokens(), added.stream().mapToInt(Integer::intValue).toArray());
        nonSpecialAdded = new AddedTokenMatcher(v.tokens(), nonSpecial.stream().mapToInt(Integer::intValue).toArray());
        bpe = new BytePairEncoder(tokenIndex, v.merges());
    }

    /** A Qwen2/2.5/3 tokenizer (GGUF {@code tokenizer.ggml.pre = "qwen2"}). */
    public static Tokenizer create(Vocabulary v) {
        return new Tokenizer(v, PreTokenizer.QWEN2, true);
    }

    /** A tokenizer with the given pre-tokenizer (Qwen3.5: {@link PreTokenizer#QWEN35}) and NFC normalisation. */
    public static Tokenizer create(Vocabulary v, PreTokenizer preTokenizer) {
        return new Tokenizer(v, preTokenizer, true);
    }

    /** A tokenizer that normalises text to NFC first (as Qwen's) or not at all. */
    public static Tokenizer create(Vocabulary v, PreTokenizer preTokenizer, boolean nfc) {
        return new Tokenizer(v, preTokenizer, nfc);
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    public PreTokenizer preTokenizer() {
        return preTokenizer;
    }

    /** Same as {@code encode(text, AddedTokens.ALL)}: for rendered chat templates. */
    public int[] encode(String text) {
        return encode(text, AddedTokens.ALL);
    }

    /** {@code encode(text, parseSpecial ? AddedTokens.ALL : AddedTokens.NONE)}. */
    public int[] encode(String text, boolean parseSpecial) {
        return encode(text, parseSpecial ? AddedTokens.ALL : AddedTokens.NONE);
    }

    /**
     * Token ids of {@code text}, with the BOS token in front when the vocabulary asks for it
     * ({@code add_bos_token}). Added tokens chosen by {@code addedTokens} become their ids; the text between
     * them is NFC-normalised, pre-tokenized and byte-pair encoded (HF {@code TokenizerImpl::encode_single_sequence}).
     */
    public int[] encode(String text, AddedTokens addedTokens) {
        var out = new IntList();
        if (vocabulary.addBos() && vocabulary.bosId() >= 0) {
            out.add(vocabulary.bosId());
        }
        var matcher = switch (addedTokens) {
            case ALL -> allAdded;
            case NON_SPECIAL -> nonSpecialAdded;
            case NONE -> null;
        };
        if (matcher == null || matcher.isEmpty()) {
            encodeText(text, 0, text.length(), out);
        } else {
            matcher.split(text, new AddedTokenMatcher.Sink() {
                @Override
                public void text(int start, int end) {
                    encodeText(text, start, end, out);
                }

                @Override
                public void token(int id) {
                    out.add(id);
                }
            });
        }
        return out.toArray();
    }

    private void encodeText(String text, int start, int end, IntList out) {
        if (start == end) {
            return;
        }
        if (nfc && !quickNfc(text, start, end)) {
            String part = text.substring(start, end);
            if (!Normalizer.isNormalized(part, Normalizer.Form.NFC)) {
                part = Normalizer.normalize(part, Normalizer.Form.NFC);
            }
            text = part;
            start = 0;
            end = part.length();
        }
        String s = text;
        preTokenizer.split(s, start, end, (from, to) -> bpe.encode(s, from, to, out));
    }

    /** True when no character can change under NFC: all below U+0300 (NFC_Quick_Check=Yes, no combining class). */
    private static boolean quickNfc(String text, int start, int end) {
        for (int i = start; i < end; i++) {
            if (text.charAt(i) >= 0x300) {
                return false;
            }
        }
        return true;
    }

    /**
     * The text of {@code ids}: their bytes concatenated and read as UTF-8, each maximal malformed subsequence
     * one U+FFFD (HF ByteLevel decoder, Rust {@code String::from_utf8_lossy}). Added tokens appear as their
     * text; ids outside the vocabulary are skipped.
     */
    public String decode(int[] ids) {
        int length = 0;
        for (int id : ids) {
            if (id >= 0 && id < pieces.length) {
                length += pieces[id].length;
            }
        }
        var bytes = new byte[length];
        int at = 0;
        for (int id : ids) {
            if (id >= 0 && id < pieces.length) {
                System.arraycopy(pieces[id], 0, bytes, at, pieces[id].length);
                at += pieces[id].length;
            }
        }
        return Utf8.decodeLossy(bytes, length);
    }

    /** The bytes a token stands for: byte-level decoded, special tokens their UTF-8 text, UNUSED ones none. */
    public byte[] tokenBytes(int id) {
        return pieces[checkId(id)].clone();
    }

    byte[] tokenBytesShared(int id) {
        return id >= 0 && id < pieces.length ? pieces[id] : null;
    }

    /** The vocabulary string of a token as stored (byte-level alphabet for ordinary tokens). */
    public String tokenText(int id) {
        return vocabulary.tokens().get(checkId(id));
    }

    public int vocabSize() {
        return pieces.length;
    }

    /** The id of the token whose vocabulary string is {@code tokenText}. */
    public OptionalInt id(String tokenText) {
        int id = tokenIndex.find(tokenText);
        return id < 0 ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** Whether the token is a control token (type CONTROL, or an end-of-generation text llama.cpp forces to it). */
    public boolean isControl(int id) {
        return id >= 0 && id < control.length && control[id];
    }

    /** Whether the token is ordinary text (type NORMAL or BYTE), not a special, user-defined or unused one. */
    public boolean isText(int id) {
        int type = vocabulary.tokenTypes()[checkId(id)];
        return !control[id] && (type == Vocabulary.NORMAL || type == Vocabulary.BYTE);
    }

    /** Whether generating this token ends the turn: EOS, EOT, and the EOG texts llama.cpp recognises. */
    public boolean isEndOfGeneration(int id) {
        return endOfGeneration.contains(id);
    }

    public Set<Integer> endOfGenerationIds() {
        return endOfGeneration;
    }

    /** A decoder for a stream of generated tokens. */
    public StreamingDecoder streamingDecoder() {
        return new StreamingDecoder(this);
    }

    private int checkId(int id) {
        if (id < 0 || id >= pieces.length) {
            throw new IndexOutOfBoundsException("token id " + id + " is outside the vocabulary of "
                    + pieces.length + " tokens");
        }
        return id;
    }
}
