package dev.vigil.deployment;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** YAML files as plain maps and lists: anchors, aliases and merge keys resolved as compose does. */
final class YamlFiles {

    private YamlFiles() {}

    static Map<String, Object> load(Path file) {
        List<Map<String, Object>> documents = loadAll(file);
        if (documents.size() != 1) {
            throw new IllegalArgumentException(file + ": expected one YAML document, found " + documents.size());
        }
        return documents.get(0);
    }

    /** Every non-empty document of a multi-document file, in order. */
    static List<Map<String, Object>> loadAll(Path file) {
        try (Reader reader = Files.newBufferedReader(file)) {
            return parseAll(reader, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file holding one YAML sequence, such as a list of JSON patch operations. */
    static List<Object> parseList(Path file) {
        try (Reader reader = Files.newBufferedReader(file)) {
            Object document = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
            if (!(document instanceof List<?>)) {
                throw new IllegalArgumentException(file + ": expected a YAML sequence");
            }
            return Tree.list(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A flow sequence given as text, such as the JSON array of a Containerfile's exec form. */
    static List<Object> parseFlowList(String text) {
        Object document = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        if (!(document instanceof List<?>)) {
            throw new IllegalArgumentException("expected a sequence: " + text);
        }
        return Tree.list(document);
    }

    static List<Map<String, Object>> parseAll(String text) {
        return parseAll(new java.io.StringReader(text), "text");
    }

    private static List<Map<String, Object>> parseAll(Reader reader, String source) {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(reader)) {
            if (document == null) {
                continue;
            }
            if (!(document instanceof Map<?, ?>)) {
                throw new IllegalArgumentException(source + ": a document is not a mapping: " + document);
            }
            documents.add(Tree.map(document));
        }
        return documents;
    }
}
