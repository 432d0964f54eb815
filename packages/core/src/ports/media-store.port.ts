// Port: where attachment bytes live (the trader's Drive, or files on this machine).
import type { MediaStreamUpload } from '../domain/attachment-stream';
import type { MediaUpload } from '../domain/attachment-upload';

export type { MediaStreamUpload, MediaUpload };

export interface StoredMedia {
  /** Stable id of the file (Drive file id, or content hash locally). */
  id: string;
  mimeType: string;
  filename: string;
  size: number;
  /** Link a person can open (Drive share link, or `…/api/media/{id}` locally). */
  link: string;
}

/** What `put` answers: the stored file, and whether this call created it (or found the same bytes already kept). */
export interface PutMedia extends StoredMedia {
  created: boolean;
}

export interface MediaContent extends StoredMedia {
  data: Uint8Array;
}

export interface MediaStore {
  readonly name: string;
  /**
   * Stores a file given whole (`data`) or as it arrives (`chunks`, held a piece at a time). A put whose chunks fail
   * keeps nothing.
   */
  put(owner: string, upload: MediaUpload | MediaStreamUpload): Promise<PutMedia>;
  /** The file if `owner` stored it, else null (another user's id is indistinguishable from a missing one). */
  get(owner: string, id: string): Promise<MediaContent | null>;
  /**
   * Undoes one `put` of the file by `owner`, whose trade was not written (nothing when it is not theirs or not there).
   * A store that keeps each put as its own file removes it; one that keeps equal bytes once (by their hash) removes
   * them only with the last put holding them, so that another trade's file never goes with this one.
   */
  delete(owner: string, id: string): Promise<void>;
  ready(): Promise<void>;
}
