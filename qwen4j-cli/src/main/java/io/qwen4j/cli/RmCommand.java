package io.qwen4j.cli;

import io.qwen4j.hub.LocalModel;
import io.qwen4j.hub.ModelRef;
import io.qwen4j.hub.ModelStore;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "rm", mixinStandardHelpOptions = true,
        description = "Remove models from the local store (a reference without quant must name exactly one stored model).")
final class RmCommand extends HubCommand {
    @Parameters(arity = "1..*", paramLabel = "REF", description = "Model references, as for pull.")
    List<String> refs;

    @Override
    public Integer call() throws Exception {
        var store = new ModelStore(hub.get().home());
        for (String r : refs) {
            LocalModel m = store.remove(ModelRef.parse(r));
            System.out.println("removed " + m.ref() + " (" + Sizes.format(m.size()) + ")");
        }
        return 0;
    }
}
