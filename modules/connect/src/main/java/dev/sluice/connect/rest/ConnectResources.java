package dev.sluice.connect.rest;

import dev.sluice.connect.api.ConfigException;
import dev.sluice.connect.runtime.ConnectorTaskId;
import dev.sluice.connect.runtime.Herder;
import dev.sluice.connect.runtime.NotFoundException;
import dev.sluice.connect.runtime.Plugins;
import dev.sluice.connect.runtime.Status;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kafka Connect's paths and payloads: {@code /connectors} (GET, with {@code ?expand=status|info};
 * POST), {@code /connectors/{name}} (GET, DELETE), {@code .../config} (GET, PUT), {@code .../status},
 * {@code .../tasks}, {@code .../tasks/{id}/status}, {@code .../tasks/{id}/restart},
 * {@code .../restart} ({@code includeTasks}, {@code onlyFailed}), {@code .../pause},
 * {@code .../resume}, {@code /connector-plugins}, {@code PUT /connector-plugins/{class}/config/validate},
 * and {@code /} (version). Stateless besides the herder; any REST thread.
 */
final class ConnectResources {
    private final Herder herder;

    ConnectResources(Herder herder) {
        this.herder = herder;
    }

    RestServer.Reply route(String method, URI uri, Object body) {
        List<String> path = new ArrayList<>();
        for (String part : uri.getRawPath().split("/")) {
            if (!part.isEmpty()) {
                path.add(URLDecoder.decode(part, StandardCharsets.UTF_8));
            }
        }
        Map<String, String> query = query(uri.getRawQuery());
        if (path.isEmpty()) {
            return RestServer.Reply.ok(Map.of("version", "sluice-connect", "commit", "", "kafka_cluster_id", ""));
        }
        if (path.get(0).equals("connector-plugins")) {
            return plugins(method, path, body);
        }
        if (!path.get(0).equals("connectors")) {
            throw new NotFoundException("Unknown path " + uri.getPath());
        }
        if (path.size() == 1) {
            return switch (method) {
                case "GET" -> RestServer.Reply.ok(list(query.get("expand")));
                case "POST" -> create(body);
                default -> notAllowed(method, uri);
            };
        }
        String name = path.get(1);
        // the route: method and the path after the name, a task id left out (".../tasks/0/status" is "tasks/status")
        String sub = path.size() > 2 ? path.get(2) : "";
        String action = path.size() > 4 ? "/" + path.get(4) : path.size() > 3 ? "/" + path.get(3) : "";
        return switch (method + " " + sub + action) {
            case "GET " -> RestServer.Reply.ok(info(herder.connectorInfo(name)));
            case "DELETE " -> {
                herder.deleteConnector(name);
                yield new RestServer.Reply(204, null);
            }
            case "GET config" -> RestServer.Reply.ok(herder.connectorInfo(name).config());
            case "PUT config" -> {
                Herder.Created c = herder.putConnectorConfig(name, stringMap(body, "the configuration"), true);
                yield new RestServer.Reply(c.created() ? 201 : 200, info(c.info()));
            }
            case "GET status" -> RestServer.Reply.ok(status(herder.status(name)));
            case "GET tasks" -> RestServer.Reply.ok(tasks(name));
            case "GET tasks/status" -> RestServer.Reply.ok(taskStatus(herder.status(name), taskId(path)));
            case "POST tasks/restart" -> {
                herder.restartTask(new ConnectorTaskId(name, taskId(path)));
                yield new RestServer.Reply(204, null);
            }
            case "POST restart" -> {
                boolean includeTasks = Boolean.parseBoolean(query.getOrDefault("includeTasks", "false"));
                boolean onlyFailed = Boolean.parseBoolean(query.getOrDefault("onlyFailed", "false"));
                herder.restartConnector(name, includeTasks, onlyFailed);
                yield includeTasks || onlyFailed ? new RestServer.Reply(202, status(herder.status(name)))
                        : new RestServer.Reply(204, null);
            }
            case "PUT pause" -> {
                herder.pause(name);
                yield new RestServer.Reply(202, null);
            }
            case "PUT resume" -> {
                herder.resume(name);
                yield new RestServer.Reply(202, null);
            }
            default -> notAllowed(method, uri);
        };
    }

    private static int taskId(List<String> path) {
        try {
            return Integer.parseInt(path.get(3));
        } catch (NumberFormatException e) {
            throw new NotFoundException("Task " + path.get(3) + " not found");
        }
    }

    private static RestServer.Reply notAllowed(String method, URI uri) {
        return RestServer.error(405, "HTTP " + method + " is not supported on " + uri.getPath());
    }

    private Object list(String expand) {
        List<String> names = herder.connectors();
        if (expand == null) {
            return names;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (String name : names) {
            Map<String, Object> entry = new LinkedHashMap<>();
            for (String e : expand.split(",")) {
                switch (e.trim()) {
                    case "status" -> entry.put("status", status(herder.status(name)));
                    case "info" -> entry.put("info", info(herder.connectorInfo(name)));
                    default -> throw new IllegalArgumentException("expand: unknown value " + e);
                }
            }
            out.put(name, entry);
        }
        return out;
    }

    private RestServer.Reply create(Object body) {
        if (!(body instanceof Map<?, ?> request) || !(request.get("name") instanceof String name) || name.isBlank()) {
            throw new ConfigException("the request needs a \"name\" and a \"config\" object");
        }
        Map<String, String> config = new LinkedHashMap<>(stringMap(request.get("config"), "config"));
        config.putIfAbsent("name", name);
        Herder.Created c = herder.putConnectorConfig(name, config, false);
        return new RestServer.Reply(201, info(c.info()));
    }

    private static Map<String, String> stringMap(Object json, String what) {
        if (!(json instanceof Map<?, ?> map)) {
            throw new ConfigException(what + " must be a JSON object of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
        return out;
    }

    private static Map<String, Object> info(Herder.ConnectorInfo info) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", info.name());
        out.put("config", info.config());
        List<Object> tasks = new ArrayList<>();
        info.tasks().forEach(t -> tasks.add(taskRef(t)));
        out.put("tasks", tasks);
        out.put("type", info.type());
        return out;
    }

    private static Map<String, Object> taskRef(ConnectorTaskId id) {
        Map<String, Object> ref = new LinkedHashMap<>();
        ref.put("connector", id.connector());
        ref.put("task", id.task());
        return ref;
    }

    private List<Object> tasks(String name) {
        List<Object> out = new ArrayList<>();
        List<Map<String, String>> configs = herder.taskConfigs(name);
        for (int i = 0; i < configs.size(); i++) {
            Map<String, Object> task = new LinkedHashMap<>();
            task.put("id", taskRef(new ConnectorTaskId(name, i)));
            task.put("config", configs.get(i));
            out.add(task);
        }
        return out;
    }

    private static Map<String, Object> state(Status s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("state", s.state().name());
        out.put("worker_id", s.workerId());
        if (s.trace() != null) {
            out.put("trace", s.trace());
        }
        return out;
    }

    private static Map<String, Object> status(Herder.ConnectorStatus status) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", status.name());
        out.put("connector", state(status.connector()));
        List<Object> tasks = new ArrayList<>();
        status.tasks().forEach((id, s) -> {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("id", id);
            t.putAll(state(s));
            tasks.add(t);
        });
        out.put("tasks", tasks);
        out.put("type", status.type());
        return out;
    }

    private static Map<String, Object> taskStatus(Herder.ConnectorStatus status, int task) {
        Status s = status.tasks().get(task);
        if (s == null) {
            throw new NotFoundException("Task " + status.name() + "-" + task + " not found");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", task);
        out.putAll(state(s));
        return out;
    }

    private RestServer.Reply plugins(String method, List<String> path, Object body) {
        Plugins plugins = herder.plugins();
        if (path.size() == 1 && method.equals("GET")) {
            List<Object> out = new ArrayList<>();
            for (Plugins.PluginDesc d : plugins.all()) {
                if (d.kind().equals("source") || d.kind().equals("sink")) {
                    Map<String, Object> p = new LinkedHashMap<>();
                    p.put("class", d.className());
                    p.put("type", d.kind());
                    p.put("version", d.version());
                    out.add(p);
                }
            }
            return RestServer.Reply.ok(out);
        }
        if (path.size() == 4 && method.equals("PUT") && path.get(2).equals("config") && path.get(3).equals("validate")) {
            return RestServer.Reply.ok(Validation.validate(plugins, path.get(1), stringMap(body, "the configuration")));
        }
        throw new NotFoundException("Unknown path /" + String.join("/", path));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            out.put(k, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }
}
