// Seed 003's domain (PajamasWeb AI Hub): personas and their memories, written with
// @strata/store. Shared by the seed-003 examples. Every id and timestamp is in the
// payload, so materializers are deterministic (seed 003 "Deterministic Event Design").
import { Column, Events, makeSchema, table } from '@strata/store'
import { z } from 'zod'

export const Personality = z.object({
  traits: z.array(z.string()),
  temperament: z.string(),
  communicationStyle: z.string(),
})
export const Settings = z.object({
  memoryRetention: z.number().int().min(0).max(365),
  privacyLevel: z.enum(['low', 'medium', 'high']),
  autoLearn: z.boolean(),
})
export const PersonaInput = z.object({
  name: z.string().min(1, 'name is required'),
  description: z.string(),
  personality: Personality,
  settings: Settings,
})
export type PersonaInput = z.infer<typeof PersonaInput>
export const MemoryTier = z.enum(['hot', 'warm', 'cold'])
export const MemoryUpdates = z
  .object({
    name: z.string().min(1),
    summary: z.string(),
    importance: z.number().min(0).max(100),
    memoryTier: MemoryTier,
  })
  .partial()

export const tables = {
  personas: table('personas', {
    id: Column.text({ primaryKey: true }),
    name: Column.text(),
    description: Column.text({ default: '' }),
    personality: Column.json<z.infer<typeof Personality>>(),
    settings: Column.json<z.infer<typeof Settings>>(),
    isActive: Column.boolean({ default: false }),
    usageCount: Column.integer({ default: 0 }),
    version: Column.integer({ default: 1 }),
    createdAt: Column.integer(),
    updatedAt: Column.integer({ nullable: true }),
  }),
  memoryEntities: table(
    'memory_entities',
    {
      id: Column.text({ primaryKey: true }),
      personaId: Column.text(),
      type: Column.text(),
      name: Column.text(),
      content: Column.json<Record<string, unknown>>({ default: {} }),
      summary: Column.text({ default: '' }),
      tags: Column.json<string[]>({ default: [] }),
      importance: Column.integer({ default: 50 }),
      memoryTier: Column.text({ default: 'warm' }),
      lastAccessed: Column.integer(),
      connectionCount: Column.integer({ default: 0 }),
      version: Column.integer({ default: 1 }),
      metadata: Column.json<Record<string, unknown>>({ default: {} }),
      deletedAt: Column.integer({ nullable: true }),
      createdAt: Column.integer(),
      updatedAt: Column.integer({ nullable: true }),
    },
    {
      indexes: [
        { columns: ['personaId', 'memoryTier', 'lastAccessed'] },
        { columns: ['personaId', 'importance'] },
      ],
    },
  ),
}

export const events = {
  // ✅ versioned, descriptive names (seed 003 "Event Naming Conventions")
  personaCreated: Events.synced({
    name: 'v1.PersonaCreated',
    schema: PersonaInput.extend({ id: z.string(), createdAt: z.number() }),
  }),
  personaUpdated: Events.synced({
    name: 'v1.PersonaUpdated',
    schema: z.object({
      id: z.string(),
      updates: z
        .object({ name: z.string().min(1), description: z.string(), version: z.number().int() })
        .partial(),
      updatedAt: z.number(),
    }),
  }),
  personaActivated: Events.synced({ name: 'v1.PersonaActivated', schema: z.object({ id: z.string() }) }),
  memoryEntityCreated: Events.synced({
    name: 'v1.MemoryEntityCreated',
    schema: z.object({
      id: z.string(),
      personaId: z.string(),
      type: z.string(),
      name: z.string().min(1),
      content: z.record(z.string(), z.unknown()),
      summary: z.string(),
      tags: z.array(z.string()),
      importance: z.number().min(0).max(100),
      createdAt: z.number(),
    }),
  }),
  // Schema evolution (seed 003 "Schema Evolution"): v1 stays readable forever…
  memoryEntityUpdated: Events.synced({
    name: 'v1.MemoryEntityUpdated',
    schema: z.object({ id: z.string(), updates: MemoryUpdates, updatedAt: z.number() }),
  }),
  // …and v2 adds optional fields; new code commits v2, old logs still replay v1.
  memoryEntityUpdatedV2: Events.synced({
    name: 'v2.MemoryEntityUpdated',
    schema: z.object({
      id: z.string(),
      updates: MemoryUpdates,
      updatedAt: z.number(),
      version: z.number().int().optional(),
      metadata: z.record(z.string(), z.unknown()).optional(),
    }),
  }),
  memoryEntityDeleted: Events.synced({
    name: 'v1.MemoryEntityDeleted',
    schema: z.object({ id: z.string(), deletedAt: z.number() }),
  }),
}

const { personas, memoryEntities } = tables

export const schema = makeSchema({
  events,
  tables,
  materializers: {
    'v1.PersonaCreated': ({ id, name, description, personality, settings, createdAt }, db) => {
      db.insert(personas, { id, name, description, personality, settings, createdAt })
    },
    'v1.PersonaUpdated': ({ id, updates, updatedAt }, db) => {
      db.update(personas, { id }, { ...updates, updatedAt })
    },
    // Activating one persona deactivates the others — reading and writing current state.
    'v1.PersonaActivated': ({ id }, db) => {
      db.update(personas, { isActive: true }, { isActive: false })
      const current = db.get(personas, id)
      if (current) db.update(personas, { id }, { isActive: true, usageCount: current.usageCount + 1 })
    },
    'v1.MemoryEntityCreated': (m, db) => {
      db.insert(memoryEntities, { ...m, lastAccessed: m.createdAt })
    },
    'v1.MemoryEntityUpdated': ({ id, updates, updatedAt }, db) => {
      db.update(memoryEntities, { id }, { ...updates, updatedAt, version: 1 })
    },
    'v2.MemoryEntityUpdated': ({ id, updates, updatedAt, version, metadata }, db) => {
      db.update(
        memoryEntities,
        { id },
        { ...updates, updatedAt, version: version ?? 2, metadata: metadata ?? {} },
      )
    },
    'v1.MemoryEntityDeleted': ({ id, deletedAt }, db) => {
      db.update(memoryEntities, { id }, { deletedAt })
    },
  },
})

/** A persona payload for tests and demos. */
export const samplePersona = (name: string): PersonaInput => ({
  name,
  description: `${name} persona`,
  personality: { traits: ['analytical', 'curious'], temperament: 'calm', communicationStyle: 'direct' },
  settings: { memoryRetention: 90, privacyLevel: 'medium', autoLearn: true },
})
