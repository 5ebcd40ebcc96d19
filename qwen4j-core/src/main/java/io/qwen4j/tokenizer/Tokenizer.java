package io.qwen4j.tokenizer;

import io.qwen4j.tokenizer.BytePairEncoder.IntList;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Qwen's byte-level BPE tokenizer over a GGUF vocabulary: special tokens are split out first (llama.cpp
 * {@code tokenizer_st_partition}), the remaining text is NFC-normalised (the {@code tokenizer.json}
 * normalizer), pre-tokenized by Qwen's regex ({@link PreTokenizer}) and each piece byte-pair encoded.
 * Immutable and safe to share between threads.
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
    private final Map<String, Integer> tokenToId;
    private final boolean[] control;
    private final byte[][] pieces;
    private final int[] specialIds;        // CONTROL, USER_DEFINED and UNKNOWN tokens, longest text first
    private final Set<Integer> endOfGeneration;
    private final BytePairEncoder bpe;

    private Tokenizer(Vocabulary v, PreTokenizer preTokenizer) {
        this.vocabulary = v;
        this.preTokenizer = preTokenizer;
        int n = v.tokens().size();
        tokenToId = HashMap.newHashMap(n);
        for (int id = 0; id < n; id++) {
            tokenToId.put(v.tokens().get(id), id); // later duplicates win, as in llama.cpp's token_to_id
        }
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
            int end = tokenToId.get("<|end|>");
            eog.remove(end);
            control[end] = false;
        }
        // llama.cpp: with <|tool_response> (gemma4), </s> is not EOG
        if (eogTexts.contains("<|tool_response>") && eogTexts.contains("</s>")) {
            int s = tokenToId.get("</s>");
            eog.remove(s);
            control[s] = false;
        }
        endOfGeneration = Collections.unmodifiableSet(eog);

        pieces = new byte[n][];
        var specials = new ArrayList<Integer>();
        for (int id = 0; id < n; id++) {
            String text = v.tokens().get(id);
            int type = v.tokenTypes()[id];
            boolean special = control[id] || type == Vocabulary.USER_DEFINED || type == Vocabulary.UNKNOWN;
            // llama.cpp token_to_piece: special tokens are their text, NORMAL and BYTE tokens are byte-level,
            // anything else (UNUSED) renders as nothing
            pieces[id] = special ? text.getBytes(StandardCharsets.UTF_8)
                    : type == Vocabulary.NORMAL || type == Vocabulary.BYTE ? ByteLevel.decode(text)
                    : new byte[0];
            if (special && !text.isEmpty()) {
                specials.add(id);
            }
        }
        specials.sort(Comparator.comparingInt((Integer id) -> v.tokens().get(id).length()).reversed());
        specialIds = specials.stream().mapToInt(Integer::intValue).toArray();
        bpe = new BytePairEncoder(tokenToId, v.merges());
    }

    /** A Qwen2/2.5/3 tokenizer (GGUF {@code tokenizer.ggml.pre = "qwen2"}). */
    public static Tokenizer create(Vocabulary v) {
        return new Tokenizer(v, PreTokenizer.QWEN2);
    }

    /** A tokenizer with the given pre-tokenizer (Qwen3.5: {@link PreTokenizer#QWEN35}). */
    public static Tokenizer create(Vocabulary v, PreTokenizer preTokenizer) {
        return new Tokenizer(v, preTokenizer);
    }

    /** Same as {@code encode(text, true)}. */
    public int[] encode(String text) {
        return encode(text, true);
    }

    /**
     * Token ids of {@code text}, with the BOS token in front when the vocabulary asks for it
     * ({@code add_bos_token}). With {@code parseSpecial}, CONTROL and USER_DEFINED token texts in {@code text}
     * become their ids; without it all of {@code text} is ordinary text (stricter than llama.cpp, which still
     * matches USER_DEFINED tokens such as {@code <think>} then, so that user content cannot inject markup).
     */
    public int[] encode(String text, boolean parseSpecial) {
        var out = new IntList();
        if (vocabulary.addBos() && vocabulary.bosId() >= 0) {
            out.add(vocabulary.bosId());
        }
        if (!parseSpecial) {
            encodeText(text, out);
            return out.toArray();
        }
        for (var fragment : partition(text)) {
            switch (fragment) {
                case Fragment.Special s -> out.add(s.id());
                case Fragment.Text t -> encodeText(text.substring(t.start(), t.end()), out);
            }
        }
        return out.toArray();
    }

    private sealed interface Fragment {
        record Text(int start, int end) implements Fragment {}
        record Special(int id) implements Fragment {}
    }

    /**
     * llama.cpp {@code tokenizer_st_partition}: for each special token, longest text first, split every
     * remaining text fragment at each of its occurrences.
     */
    private List<Fragment> partition(String text) {
        List<Fragment> fragments = new ArrayList<>();
        fragments.add(new Fragment.Text(0, text.length()));
        for (int id : specialIds) {
            String special = vocabulary.tokens().get(id);
            if (!text.contains(special)) {
                continue;
            }
            var split = new ArrayList<Fragment>(fragments.size() + 2);
            for (var fragment : fragments) {
                if (!(fragment instanceof Fragment.Text(int start, int end))) {
                    split.add(fragment);
                    continue;
                }
                int from = start;
                for (int at = text.indexOf(special, from); at >= 0 && at + special.length() <= end;
                        at = text.indexOf(special, from)) {
                    if (at > from) {
                        split.add(new Fragment.Text(from, at));
                    }
                    split.add(new Fragment.Special(id));
                    from = at + special.length();
                }
                if (from < end) {
                    split.add(new Fragment.Text(from, end));
                }
            }
            fragments = split;
        }
        return fragments;
    }

    private void encodeText(String text, IntList out) {
        if (text.isEmpty()) {
            return;
        }
        String normalized = Normalizer.isNormalized(text, Normalizer.Form.NFC)
                ? text : Normalizer.normalize(text, Normalizer.Form.NFC);
        preTokenizer.split(normalized, piece -> bpe.encode(piece, out));
    }

    /**
     * The text of {@code ids}: their bytes concatenated and read as UTF-8 (malformed sequences become
     * U+FFFD). Control tokens appear as their text; ids outside the vocabulary are skipped.
     */
    public String decode(int[] ids) {
        var bytes = new ByteArrayOutputStream(ids.length * 4);
        for (int id : ids) {
            if (id >= 0 && id < pieces.length) {
                bytes.writeBytes(pieces[id]);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
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
        Integer id = tokenToId.get(tokenText);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
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
