/** Where the files a personalize.yaml names may be (its schemas and CSV sources), checked before they are read. */
import { inMeshState, isReallyInside, relativeTo } from '../workspace/paths.js';

/**
 * Where the files a personalize.yaml names may be: its schemas in the workspace, its CSV sources (data) in the owning
 * domain's own folder; neither in mesh's state folders (every domain's published data), as written or through a link.
 */
export interface PersonalizeFolders {
  readonly root: string;
  readonly domainDir: string;
  readonly localDir: string;
}

/** Why the file at `abs` may not be read, or undefined when it may. */
export function misplaced(within: PersonalizeFolders, abs: string, boundary: 'workspace' | 'domain'): string | undefined {
  const folder = boundary === 'domain' ? within.domainDir : within.root;
  if (!isReallyInside(folder, abs)) {
    return boundary === 'domain'
      ? `points outside the domain folder ${relativeTo(within.root, within.domainDir) || '.'} (a CSV source is the domain's own file, not a link to one elsewhere)`
      : 'points outside the workspace (a schema is a file in the workspace, not a link to one elsewhere)';
  }
  return inMeshState(within.root, within.localDir, abs) ? "points into mesh's own state folder" : undefined;
}
