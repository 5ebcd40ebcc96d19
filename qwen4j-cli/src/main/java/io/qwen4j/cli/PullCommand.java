package io.qwen4j.cli;

import io.qwen4j.hub.LocalModel;
import io.qwen4j.hub.ModelHub;
import io.qwen4j.hub.ModelRef;
import io.qwen4j.hub.ProgressBar;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "pull", mixinStandardHelpOptions = true,
        description = {"Download a GGUF model from Hugging Face into the local store (resumes an interrupted download).",
                "REF: qwen3:0.6b, qwen3:8b-q8_0, Qwen/Qwen3-8B-GGUF[:QUANT], hf.co/ORG/REPO[:QUANT].",
                "Environment: HF_TOKEN, HF_ENDPOINT, QWEN4J_HOME (store root, default ~/.cache/qwen4j)."})
final class PullCommand extends HubCommand {
    @Parameters(arity = "1..*", paramLabel = "REF", description = "Model references.")
    List<String> refs;

    @Override
    public Integer call() throws Exception {
        var models = new ModelHub(hub.get());
        for (String r : refs) {
            LocalModel m = models.pull(ModelRef.parse(r), ProgressBar.stderr());
            System.out.printf(Locale.ROOT, "%s  %s  %s%n", m.ref(), Sizes.format(m.size()), m.path());
        }
        return 0;
    }
}
