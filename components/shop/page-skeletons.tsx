import { Skeleton } from "@/components/ui/skeleton";

export function ListSkeleton({ rows = 3, label }: { rows?: number; label: string }) {
  return (
    <div className="grid gap-6" role="status" aria-busy="true" aria-label={label}>
      <Skeleton className="h-9 w-48" />
      <div className="grid gap-3">
        {Array.from({ length: rows }, (_, i) => (
          <Skeleton key={i} className="h-20 w-full" />
        ))}
      </div>
    </div>
  );
}

export function GridSkeleton({ label }: { label: string }) {
  return (
    <div className="grid gap-6" role="status" aria-busy="true" aria-label={label}>
      <Skeleton className="h-9 w-32" />
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {Array.from({ length: 6 }, (_, i) => (
          <Skeleton key={i} className="h-72 w-full" />
        ))}
      </div>
    </div>
  );
}
