package io.qwen4j.cli;

import io.qwen4j.hub.LocalModel;
import io.qwen4j.hub.ModelStore;
import java.util.Locale;
import picocli.CommandLine.Command;

@Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true,
        description = "List the models in the local store: reference, quant, size and the file to open.")
final class ListCommand extends HubCommand {
    @Override
    public Integer call() throws Exception {
        var store = new ModelStore(hub.get().home());
        var models = store.list();
        if (models.isEmpty()) {
            System.out.println("no models in " + store.modelsDir() + "; pull one with: qwen4j pull qwen3:0.6b");
            return 0;
        }
        int width = Math.max(3, models.stream().mapToInt(m -> m.ref().toString().length()).max().orElse(0));
        String row = "%-" + width + "s  %-10s  %10s  %s%n";
        System.out.printf(Locale.ROOT, row, "REF", "QUANT", "SIZE", "PATH");
        for (LocalModel m : models) {
            String parts = m.model().files().size() > 1 ? " (+" + (m.model().files().size() - 1) + " parts)" : "";
            System.out.printf(Locale.ROOT, row, m.ref(), m.model().quant(), Sizes.format(m.size()), m.path() + parts);
        }
        return 0;
    }
}
