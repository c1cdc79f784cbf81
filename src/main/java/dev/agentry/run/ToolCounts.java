package dev.agentry.run;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * How often each tool was called, as an immutable map: the ledger hands one to every policy
 * decision, and counting a call makes a new one by copying an array of counts rather than a map.
 * Tools are numbered once per run; a tool that was not numbered at the start gets the next number.
 */
final class ToolCounts extends AbstractMap<String, Integer> {

    private final Map<String, Integer> positions;
    private final String[] tools;
    private final int[] counts;

    private ToolCounts(Map<String, Integer> positions, String[] tools, int[] counts) {
        this.positions = positions;
        this.tools = tools;
        this.counts = counts;
    }

    /** Every tool in {@code tools} at 0. */
    static ToolCounts zero(Collection<String> tools) {
        Map<String, Integer> positions = new HashMap<>();
        for (String tool : tools) {
            positions.putIfAbsent(tool, positions.size());
        }
        String[] names = new String[positions.size()];
        positions.forEach((tool, position) -> names[position] = tool);
        return new ToolCounts(Map.copyOf(positions), names, new int[names.length]);
    }

    /** These counts with one more call of {@code tool}. */
    ToolCounts plusOne(String tool) {
        Integer position = positions.get(tool);
        if (position == null) {
            Map<String, Integer> more = new HashMap<>(positions);
            more.put(tool, tools.length);
            String[] names = Arrays.copyOf(tools, tools.length + 1);
            names[tools.length] = tool;
            int[] next = Arrays.copyOf(counts, counts.length + 1);
            next[tools.length] = 1;
            return new ToolCounts(Map.copyOf(more), names, next);
        }
        int[] next = counts.clone();
        next[position]++;
        return new ToolCounts(positions, tools, next);
    }

    @Override
    public Integer get(Object tool) {
        Integer position = positions.get(tool);
        return position == null ? null : counts[position];
    }

    @Override
    public boolean containsKey(Object tool) {
        return positions.containsKey(tool);
    }

    @Override
    public int size() {
        return tools.length;
    }

    @Override
    public Set<Entry<String, Integer>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Integer>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < tools.length;
                    }

                    @Override
                    public Entry<String, Integer> next() {
                        if (next >= tools.length) {
                            throw new java.util.NoSuchElementException();
                        }
                        int i = next++;
                        return Map.entry(tools[i], counts[i]);
                    }
                };
            }

            @Override
            public int size() {
                return tools.length;
            }
        };
    }
}
